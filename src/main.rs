use std::process::ExitCode;

fn main() -> ExitCode {
    // SAFETY: no other thread exists yet.
    unsafe { standardiste::speech::tts::set_espeak_data_env() };
    standardiste::cli::main()
}
