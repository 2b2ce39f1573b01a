//! The one way the CLI writes to stdout: a buffered writer shared by every
//! subcommand (through [`outln!`](crate::cli) and `out!`) that never panics.
//!
//! The first failed write is remembered and later writes are skipped; when
//! the command ends, [`finish`] flushes and turns that failure into the exit
//! status: a closed pipe (`drydock … | head -c1`) is the reader's choice and
//! passes quietly, any other failure (a full disk) is one line on stderr (`error: cannot
//! write the output: …`) and
//! [`EXIT_FAILURE`](super::EXIT_FAILURE).

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::{Mutex, MutexGuard};

/// The buffered stdout and the first error writing it.
struct State {
    out: Option<BufWriter<Stdout>>,
    error: Option<io::Error>,
}

static STATE: Mutex<State> = Mutex::new(State {
    out: None,
    error: None,
});

fn state() -> MutexGuard<'static, State> {
    // A panic elsewhere while holding the lock leaves plain data: keep going.
    STATE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Writes to stdout, remembering (not raising) the first failure.
pub struct Out<'a>(MutexGuard<'a, State>);

/// The shared stdout, locked for a run of writes (a whole JSON document).
pub fn lock() -> Out<'static> {
    Out(state())
}

impl Write for Out<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let state = &mut *self.0;
        if let Some(err) = &state.error {
            return Err(io::Error::new(err.kind(), err.to_string()));
        }
        let out = state
            .out
            .get_or_insert_with(|| BufWriter::with_capacity(64 * 1024, io::stdout()));
        match out.write(buf) {
            Ok(n) => Ok(n),
            Err(err) => {
                let copy = io::Error::new(err.kind(), err.to_string());
                state.error = Some(err);
                Err(copy)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        let state = &mut *self.0;
        if let Some(err) = &state.error {
            return Err(io::Error::new(err.kind(), err.to_string()));
        }
        let Some(out) = state.out.as_mut() else {
            return Ok(());
        };
        out.flush().map_err(|err| {
            let copy = io::Error::new(err.kind(), err.to_string());
            state.error = Some(err);
            copy
        })
    }
}

/// Writes formatted text (what `out!` and `outln!` expand to); a failure is
/// remembered for [`finish`].
pub fn write_fmt(args: std::fmt::Arguments<'_>) {
    let _ = lock().write_fmt(args);
}

/// Flushes what is buffered (a long-running command after each line).
pub fn flush() {
    let _ = lock().flush();
}

/// Flushes and returns the exit status: `code` when everything was written
/// or the reader closed the pipe; otherwise the failure, reported on stderr,
/// as [`EXIT_FAILURE`](super::EXIT_FAILURE).
pub fn finish(code: u8) -> u8 {
    let mut out = lock();
    let _ = out.flush();
    let state = &mut *out.0;
    // Dropping the writer flushes again: nothing is left unless that failed.
    state.out = None;
    match state.error.take() {
        None => code,
        Some(err) if err.kind() == io::ErrorKind::BrokenPipe => code,
        Some(err) => {
            let _ = writeln!(io::stderr(), "error: cannot write the output: {err}");
            super::EXIT_FAILURE
        }
    }
}
