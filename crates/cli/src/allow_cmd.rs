//! `interdict allow`: record cleared hits, so that a customer who is not a listed entity stops
//! alerting on it until the listed entity changes (the file format is `app::allow`'s).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use model::EntityId;

use crate::Global;
use crate::progress::Bars;

/// Arguments of `interdict allow`.
#[derive(Debug, Args)]
pub struct AllowArgs {
    #[command(subcommand)]
    command: AllowCommand,
}

#[derive(Debug, Subcommand)]
enum AllowCommand {
    /// Clear a hit: this customer is not this listed entity (as the entity stands now).
    Add {
        /// The customer reference (as in the `customer_ref` or `query_id` column of a batch).
        customer: String,
        /// The listed entity, e.g. ofac:53824.
        entity: String,
        /// The allow-list file to append to.
        #[arg(long, value_name = "FILE")]
        allow_list: PathBuf,
        /// Why the hit was cleared (kept in the file for the audit trail).
        #[arg(long)]
        note: Option<String>,
        /// Use these list files instead of the stored snapshots.
        #[arg(long, num_args = 1.., value_name = "PATH")]
        lists: Vec<PathBuf>,
    },
}

/// Runs `interdict allow`.
pub fn run(global: &Global, args: AllowArgs) -> Result<ExitCode> {
    match args.command {
        AllowCommand::Add {
            customer,
            entity,
            allow_list,
            note,
            lists,
        } => {
            let id = EntityId::parse(&entity)
                .with_context(|| format!("{entity:?} is not an entity id such as ofac:53824"))?;
            let ctx = global.context()?;
            let source = app::sources::ListSource::from_args(&lists);
            app::allow::clear(
                &ctx,
                &source,
                &allow_list,
                &customer,
                &id,
                note.as_deref(),
                &Bars::default(),
            )?;
            eprintln!(
                "Cleared {id} for customer {customer} in {}.",
                allow_list.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
