//! Tests of one worker process: lines both ways, how it ended, writes that never block, an
//! exit seen while a child holds the stdout.

use super::*;

fn launch(script: &str) -> Launch {
    Launch {
        argv: vec!["sh".into(), "-c".into(), script.into()],
        env: vec![("X".into(), "7".into())],
        pin_cpu: None,
    }
}

/// Fills until `n` lines arrived.
fn lines(w: &mut WorkerProc, n: usize) -> Vec<String> {
    let mut got = vec![];
    let deadline = Instant::now() + Duration::from_secs(20);
    while got.len() < n {
        match w.next_line().unwrap() {
            Some(l) => got.push(l),
            None => {
                assert!(w.fill() != Fill::Closed, "closed after {got:?}");
                assert!(Instant::now() < deadline, "only {got:?}");
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }
    got
}

#[test]
fn lines_go_both_ways_and_quit_reaps() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = WorkerProc::spawn(
        &launch("echo ready $X; read t; echo got $t; read q"),
        &dir.path().join("e"),
    )
    .unwrap();
    w.send(b"5\n").unwrap();
    assert_eq!(lines(&mut w, 2), ["ready 7", "got 5"]);
    let grace = Duration::from_secs(2);
    w.ask_quit(b"quit\n", grace);
    assert!(w.reap_after_quit(Instant::now() + grace) > 0);
}

#[test]
fn a_dead_worker_is_described_with_its_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = WorkerProc::spawn(&launch("echo boom >&2; exit 4"), &dir.path().join("e")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while w.fill() != Fill::Closed {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(1));
    }
    let (how, tail) = w.end_and_describe(None);
    assert_eq!(how.as_deref(), Some("exited with status 4"));
    assert!(tail.contains("| boom"), "{tail}");
}

#[test]
fn a_worker_that_closes_its_stdout_is_not_said_to_be_killed() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = WorkerProc::spawn(&launch("exec >&-; sleep 100"), &dir.path().join("e")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while w.fill() != Fill::Closed {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(1));
    }
    let (how, _) = w.end_and_describe(None);
    assert_eq!(how, None, "plateau ended it: no signal of its own");
}

#[test]
fn writes_never_block_on_a_worker_that_does_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = WorkerProc::spawn(&launch("sleep 100"), &dir.path().join("e")).unwrap();
    let line = vec![b'7'; 4096];
    for _ in 0..64 {
        w.send(&line).unwrap();
    }
    assert!(w.unread_input() >= 64 * 4096, "all of it waits, unread");
    assert!(w.in_fd().is_some(), "the outbox waits for room");
    let (how, _) = w.end_and_describe(None);
    assert_eq!(how, None);
}

#[test]
fn an_exit_is_seen_while_a_child_holds_the_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = WorkerProc::spawn(&launch("sleep 100 & exit 3"), &dir.path().join("e")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !w.has_exited() {
        assert!(Instant::now() < deadline, "the exit went unnoticed");
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(w.fill(), Fill::Empty, "the child still holds the pipe open");
    w.drain_after_exit();
    assert!(w.is_silent());
    let (how, _) = w.end_and_describe(None);
    assert_eq!(how.as_deref(), Some("exited with status 3"));
}
