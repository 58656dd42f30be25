//! `steppe`: the ground station. With no subcommand it opens the live view; subcommands run
//! the same engine headless (see `steppe --help`). All logic lives in the library.

fn main() -> std::process::ExitCode {
    steppe::cli::main()
}
