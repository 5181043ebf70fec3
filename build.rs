//! Link settings the dependencies leave to the final binary.

fn main() {
    // espeak-rs-sys builds espeak-ng against Debian's libsonic-dev when it is
    // installed (instead of fetching sonic's source), but does not link it.
    println!("cargo:rustc-link-lib=sonic");

    // ort links ONNX Runtime dynamically from ORT_LIB_LOCATION (set in
    // .cargo/config.toml); record that folder in the binary so it runs
    // without LD_LIBRARY_PATH.
    println!("cargo:rerun-if-env-changed=ORT_LIB_LOCATION");
    if let Some(dir) = std::env::var_os("ORT_LIB_LOCATION") {
        let dir = std::path::PathBuf::from(dir);
        let dir = dir.canonicalize().unwrap_or(dir);
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
    }
    // An installed box keeps its private copy in lib/standardiste beside the
    // binaries' bin folder: /usr/local for board/install.
    println!("cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN/../lib/standardiste");
}
