//! Validation of the user's command (`plateau run -- CMD ARGS...`): its program must exist
//! before anything is measured, and the command-only flags need a command.

use crate::cli::RunArgs;
use crate::error::usage;
use crate::exec::command::CommandSpec;
use std::path::{Path, PathBuf};

/// The validated command, or `None` when no command was given (then the command-only flags
/// are errors).
pub fn command_spec(args: &RunArgs) -> anyhow::Result<Option<CommandSpec>> {
    if args.command.is_empty() {
        for (given, flag) in [
            (args.shell, "--shell"),
            (args.keep_going, "--keep-going"),
            (args.timeout.is_some(), "--timeout"),
        ] {
            if given {
                return Err(usage(format!(
                    "{flag} applies only to a command given after -- (e.g. plateau run --tasks 64 -- ./job.sh {{task}})"
                )));
            }
        }
        return Ok(None);
    }
    if args.command.iter().all(|a| a.trim().is_empty()) {
        return Err(usage(
            "the command after -- is empty (with or without --shell); give a program, e.g. plateau run -- ./job.sh {task}",
        ));
    }
    let program = program_of(args);
    if find_program(program, std::env::var_os("PATH").as_deref()).is_none() {
        return Err(usage(format!(
            "the command's program {program:?} was not found{}: check its spelling, or give its path",
            if program.contains('/') {
                " or is not executable".to_string()
            } else {
                " in PATH".to_string()
            }
        )));
    }
    Ok(Some(CommandSpec {
        argv: args.command.clone(),
        shell: args.shell,
        timeout: args.timeout,
        keep_going: args.keep_going,
    }))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Where `program` would be run from: itself when it contains a '/', else the first
/// executable file of that name in `path` (the PATH variable's value).
pub fn find_program(program: &str, path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    if program.is_empty() {
        return None;
    }
    if program.contains('/') {
        let p = PathBuf::from(program);
        return is_executable(&p).then_some(p);
    }
    std::env::split_paths(path?)
        .map(|dir| {
            if dir.as_os_str().is_empty() {
                PathBuf::from(".").join(program)
            } else {
                dir.join(program)
            }
        })
        .find(|p| is_executable(p))
}

/// The program a command runs: `sh` with --shell, else its first word (not empty).
pub(super) fn program_of(args: &RunArgs) -> &str {
    if args.shell {
        "sh"
    } else {
        args.command[0].as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_found_in_path_or_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("job");
        std::fs::write(&exe, "#!/bin/sh\n").unwrap();
        let plain = dir.path().join("data");
        std::fs::write(&plain, "x").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::join_paths(["/nonexistent", dir.path().to_str().unwrap()]).unwrap();
        assert_eq!(find_program("job", Some(&path)), Some(exe.clone()));
        assert_eq!(find_program("data", Some(&path)), None, "not executable");
        assert_eq!(find_program("nope", Some(&path)), None);
        assert_eq!(find_program(exe.to_str().unwrap(), None), Some(exe));
        assert_eq!(find_program(plain.to_str().unwrap(), None), None);
        assert_eq!(find_program("job", None), None);
    }
}
