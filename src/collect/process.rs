//! Running a helper program (modprobe, xl) under a deadline: a wedged
//! toolstack or a hung module load must not hang the scan.
//!
//! Nothing polls. One thread per pipe reads it to its end (so a child that
//! fills a pipe never blocks against us), one thread waits for the exit
//! without reaping it (`waitid` with `WNOWAIT`), and the caller waits on
//! their channel with `recv_timeout`. At the deadline the child's whole
//! process group is killed, then reaped: nothing it started outlives it.

use nix::sys::signal::{killpg, Signal};
use nix::sys::wait::{waitid, Id, WaitPidFlag};
use nix::unistd::Pid;
use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Sender};
use std::time::{Duration, Instant};

/// What a finished program left.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot start: {0}")]
    Spawn(io::Error),
    #[error("no answer within {} s, killed", .0.as_secs_f32())]
    Timeout(Duration),
    #[error("waiting for it: {0}")]
    Wait(io::Error),
}

/// How much of each output stream is kept; the rest is read and dropped.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub stdout: usize,
    pub stderr: usize,
}

enum Event {
    Stdout(Vec<u8>),
    Stderr(Vec<u8>),
    Exited,
}

/// Runs `program args` with no input, and returns its exit status and
/// output once it has exited and closed both pipes, or kills it at
/// `timeout`.
pub fn run(
    program: &Path,
    args: &[&str],
    timeout: Duration,
    caps: Caps,
) -> Result<Output, RunError> {
    let deadline = Instant::now() + timeout;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(RunError::Spawn)?;
    let (send, events) = mpsc::channel();
    if let Some(pipe) = child.stdout.take() {
        pump(pipe, caps.stdout, send.clone(), Event::Stdout);
    }
    if let Some(pipe) = child.stderr.take() {
        pump(pipe, caps.stderr, send.clone(), Event::Stderr);
    }
    watch_exit(&child, send);

    let (mut stdout, mut stderr, mut exited) = (None, None, false);
    while !(exited && stdout.is_some() && stderr.is_some()) {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(Event::Stdout(bytes)) => stdout = Some(bytes),
            Ok(Event::Stderr(bytes)) => stderr = Some(bytes),
            Ok(Event::Exited) => exited = true,
            // Every thread sends before it ends, so only the deadline
            // (or a thread that could not start) lands here.
            Err(_) => {
                kill(&mut child);
                return Err(RunError::Timeout(timeout));
            }
        }
    }
    let status = child.wait().map_err(RunError::Wait)?;
    Ok(Output {
        status,
        stdout: stdout.unwrap_or_default(),
        stderr: stderr.unwrap_or_default(),
    })
}

/// Reads `pipe` to its end on its own thread, keeping `cap` bytes.
fn pump(
    mut pipe: impl Read + Send + 'static,
    cap: usize,
    send: Sender<Event>,
    wrap: fn(Vec<u8>) -> Event,
) {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    let room = cap.saturating_sub(kept.len());
                    kept.extend_from_slice(chunk.get(..n.min(room)).unwrap_or_default());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let _ = send.send(wrap(kept));
    });
}

/// Waits for the child to exit on its own thread, leaving it unreaped so
/// its pid (and process group) stay valid for a kill until `wait`.
fn watch_exit(child: &Child, send: Sender<Event>) {
    let Ok(pid) = i32::try_from(child.id()) else {
        return;
    };
    std::thread::spawn(move || {
        let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT;
        while let Err(nix::errno::Errno::EINTR) = waitid(Id::Pid(Pid::from_raw(pid)), flags) {}
        let _ = send.send(Event::Exited);
    });
}

fn kill(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    const SH: &str = "/bin/sh";
    const CAPS: Caps = Caps {
        stdout: 4 << 20,
        stderr: 4 << 20,
    };

    fn sh(script: &str, timeout: Duration) -> Result<Output, RunError> {
        run(Path::new(SH), &["-c", script], timeout, CAPS)
    }

    #[test]
    fn output_and_status_are_captured() {
        let out = sh("echo out; echo err >&2; exit 3", Duration::from_secs(5))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.stderr, b"err\n");
        assert_eq!(out.status.code(), Some(3));
    }

    #[test]
    fn a_sleeper_is_killed_promptly_at_the_deadline() {
        let started = Instant::now();
        let result = sh("sleep 5", Duration::from_millis(200));
        assert!(matches!(result, Err(RunError::Timeout(_))), "{result:?}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_background_child_holding_the_pipes_is_killed_too() {
        // sh exits at once; the sleep it left keeps stdout open.
        let started = Instant::now();
        let result = sh("sleep 5 & echo started", Duration::from_millis(300));
        assert!(matches!(result, Err(RunError::Timeout(_))), "{result:?}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn more_than_a_mib_on_both_pipes_does_not_deadlock() {
        // 2 MiB on each stream, written alternately: a runner that read one
        // pipe only after the other closed would block the child forever.
        let script = "i=0; while [ $i -lt 64 ]; do head -c 32768 /dev/zero; head -c 32768 /dev/zero >&2; i=$((i+1)); done";
        let out = sh(script, Duration::from_secs(20)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.stdout.len(), 2 << 20);
        assert_eq!(out.stderr.len(), 2 << 20);
        assert!(out.status.success());
    }

    #[test]
    fn output_past_the_cap_is_drained_and_dropped() {
        let caps = Caps {
            stdout: 10,
            stderr: 0,
        };
        let out = run(
            Path::new(SH),
            &["-c", "head -c 100000 /dev/zero; echo e >&2"],
            Duration::from_secs(5),
            caps,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((out.stdout.len(), out.stderr.len()), (10, 0));
        assert!(out.status.success());
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let result = run(
            Path::new("/nonexistent/xenready-helper"),
            &[],
            Duration::from_secs(1),
            CAPS,
        );
        assert!(matches!(result, Err(RunError::Spawn(_))), "{result:?}");
    }
}
