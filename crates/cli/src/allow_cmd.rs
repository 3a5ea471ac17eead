//! `interdict allow`: record cleared hits, so that a customer who is not a listed entity stops
//! alerting on it until the listed entity changes.
//!
//! The allow-list is a JSON-lines file, appended to and never rewritten: one
//! `{"customer_ref", "entity_id", "fingerprint", "cleared_at", "note"}` object per clearance.
//! The fingerprint is the listed entity's content hash when it was cleared; a later version of
//! the list that changes the entity makes the clearance stale, and the hit alerts again.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use model::EntityId;
use screening::{AllowEntry, AllowList};

use crate::Global;

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
            if customer.trim().is_empty() {
                bail!("the customer reference is empty");
            }
            let loaded = crate::load::load_lists(global, &lists)?;
            let Some((e, version)) = loaded.iter().find_map(|l| {
                l.entities
                    .iter()
                    .find(|e| e.id == id)
                    .map(|e| (e, format!("{}@{}", l.list.as_str(), l.version)))
            }) else {
                bail!("{id} is not in the loaded lists; check the id with `interdict screen`");
            };
            let row = serde_json::json!({
                "customer_ref": customer,
                "entity_id": id,
                "fingerprint": screening::fingerprint(e),
                "cleared_at": store::utc_now(),
                "list_version": version,
                "note": note,
            });
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&allow_list)
                .with_context(|| format!("cannot open {}", allow_list.display()))?;
            writeln!(f, "{row}")?;
            f.sync_all()?;
            eprintln!(
                "Cleared {id} for customer {customer} in {}.",
                allow_list.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reads an allow-list file; a later line for the same pair replaces an earlier one.
pub fn read_allow_list(path: &Path) -> Result<AllowList> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the allow-list {}", path.display()))?;
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let e: AllowEntry = serde_json::from_str(line).with_context(|| {
            format!(
                "{}:{}: not an allow-list entry (customer_ref, entity_id, fingerprint)",
                path.display(),
                i + 1
            )
        })?;
        entries.push(e);
    }
    Ok(AllowList::new(entries))
}
