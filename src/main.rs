//! The `drydock` command line: resolve design references, list schemes.

mod cli;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    limit_malloc_arenas();
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(err) => {
            // --help and --version print and succeed; a wrong command line is
            // its own exit status, distinct from "bad reference" (2).
            let code = if err.use_stderr() {
                cli::EXIT_USAGE
            } else {
                cli::EXIT_OK
            };
            // With --json, a usage error is one JSON object too, as any other.
            if err.use_stderr() && std::env::args_os().any(|a| a == "--json") {
                let text = err.render().to_string();
                let message = text
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim_start_matches("error: ");
                let error = serde_json::json!({"error": {
                    "kind": "usage",
                    "message": message,
                    "hint": "see drydock --help (or --help after the command)",
                }});
                let _ = writeln!(std::io::stdout(), "{error}");
                return ExitCode::from(code);
            }
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    if args.is_one_shot() {
        tune_malloc_for_one_shot();
    }
    args.init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot start the async runtime: {err}"
            );
            return ExitCode::from(cli::EXIT_FAILURE);
        }
    };
    let code = runtime.block_on(cli::run(args));
    // Everything printed goes through one buffered stdout: flush it, and a
    // failure to write becomes the exit status (a closed pipe passes quietly).
    ExitCode::from(cli::stdout::finish(code))
}

/// glibc gives each thread that allocates its own arena, and every arena
/// keeps what was freed in it: with the parsing, rule and runtime threads
/// that is memory no one uses. Two arenas keep the peak in proportion to
/// the input (the parse is parallel on two threads).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only sets an allocator parameter; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

/// For a process that resolves once and exits: glibc grows its heaps in
/// small steps (a system call and fresh zeroed pages each time) and gives
/// freed memory back early, only to ask for it again. Larger steps and
/// keeping what was freed make a large site about 8% faster. The reserve
/// is not resident until used; the peak grows by a few MiB at most (about
/// 6 MiB for 100,000 small documents, the costliest shape measured, within
/// the memory bound's constant). Not for `worker`, which lives on and
/// should give memory back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_malloc_for_one_shot() {
    // SAFETY: mallopt only sets allocator parameters; no thread has started.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_malloc_for_one_shot() {}
