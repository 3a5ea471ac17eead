//! Printing to standard output without panicking when the reader goes away.
//!
//! `println!` panics on a closed pipe (`interdict lists export | head -n 1`). Everything the
//! commands print goes through [`outln!`] instead, which ends the process quietly with status 0
//! when standard output is a closed pipe: the reader has all it wanted.

use std::io::Write;

/// Prints a line to standard output like `println!`, ending quietly on a closed pipe.
macro_rules! outln {
    () => { $crate::out::line(format_args!("")) };
    ($($arg:tt)*) => { $crate::out::line(format_args!($($arg)*)) };
}

/// Writes one line to standard output; see the module documentation.
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    let written = out.write_fmt(args).and_then(|()| out.write_all(b"\n"));
    check(written);
}

/// Writes text (with its own line ends) to standard output; see the module documentation.
pub fn text(s: &str) {
    check(std::io::stdout().lock().write_all(s.as_bytes()));
}

fn check(written: std::io::Result<()>) {
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        // Any other write error (a full disk) is as fatal as it was for `println!`, but with
        // a message instead of a panic.
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(2);
    }
}

/// True when an error, or any error it wraps, is a closed output pipe.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<app::AppError>()
                .is_some_and(app::AppError::is_broken_pipe)
            || c.downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                .is_some_and(|k| k == std::io::ErrorKind::BrokenPipe)
    })
}
