//! `plateau info`: the machine as plateau sees it, as text or JSON.

use super::print_stdout;
use crate::cli::InfoArgs;
use crate::machine;
use crate::term::machine_text;

/// Prints the machine.
pub fn info(args: &InfoArgs) -> anyhow::Result<()> {
    let m = machine::detect();
    if args.json {
        let mut text = serde_json::to_string_pretty(&m)?;
        text.push('\n');
        print_stdout(&text)
    } else {
        print_stdout(&machine_text::render(&m))
    }
}
