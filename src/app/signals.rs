//! Ctrl-C and SIGTERM during `plateau run`: the first cancels the running sweep's token, so the
//! workers stop between tasks and the run saves what it measured and exits 3; the second exits
//! at once with 130 (128 + SIGINT), keeping only what the last per-round save wrote, after
//! killing the process group of every command and worker still running and removing the
//! running batch's temporary folders.

use crate::cancel::CancelToken;
use std::sync::Mutex;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Exit code of a second interrupt: the shell convention for "killed by SIGINT".
pub const SECOND_INTERRUPT_EXIT: i32 = 130;

/// The token the next signal cancels.
static TARGET: Mutex<Option<CancelToken>> = Mutex::new(None);
/// Signals received since the token was installed.
static HITS: AtomicUsize = AtomicUsize::new(0);
/// Whether the process-wide handler could be installed (only once per process).
static HANDLER: OnceLock<Result<(), String>> = OnceLock::new();

/// A fresh token that Ctrl-C and SIGTERM cancel. Installs the handler on first use; if the
/// OS refuses it, says so on stderr and returns a token only the caller can cancel.
pub fn install() -> CancelToken {
    let token = CancelToken::new();
    *TARGET.lock().unwrap_or_else(|p| p.into_inner()) = Some(token.clone());
    HITS.store(0, Ordering::SeqCst);
    let installed =
        HANDLER.get_or_init(|| ctrlc::set_handler(on_signal).map_err(|e| e.to_string()));
    if let Err(e) = installed {
        eprintln!(
            "warning: cannot catch Ctrl-C ({e}); an interrupted run keeps only the rounds saved so far"
        );
    }
    token
}

/// Runs on ctrlc's own thread (not in signal context), so locking and printing are safe.
fn on_signal() {
    if HITS.fetch_add(1, Ordering::SeqCst) >= 1 {
        // Commands run in their own process groups, out of reach of the terminal's Ctrl-C.
        crate::exec::groups::kill_all();
        // The batch's own clean-up will not run: its workers' stderr folders go now.
        crate::exec::scratch::remove_all();
        // A --sizes run's cgroup: plateau leaves it and removes it before exiting.
        crate::sizes::cgroup::remove_all_now();
        eprintln!(
            "\nplateau: second interrupt, exiting now; results.json holds the rounds saved so far"
        );
        std::process::exit(SECOND_INTERRUPT_EXIT);
    }
    eprintln!(
        "\nplateau: stopping after the tasks in flight and saving (Ctrl-C again exits at once)"
    );
    if let Some(token) = TARGET.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        token.cancel();
    }
}
