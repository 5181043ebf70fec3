//! The CTranslate2-to-ggml rewrite: hyper-parameters, name mapping and tensor encoding.

use std::collections::BTreeSet;
use std::io::{Read, Seek, Write};
use std::ops::Range;

use super::ct2::Ct2Model;
use super::ggml::{self, GgmlType, HParams};
use super::npy::read_npz_array;
use super::quant::{encode_f16, encode_f32, quantize_q5_1, quantize_q8_0, BLOCK_LEN};
use super::tiktoken::parse_tiktoken;
use super::{ConvertError, WeightType};

/// Values read, encoded and written per step, bounding memory use to a few MB.
const CHUNK_VALUES: usize = 1 << 16;

/// Vocabulary size of the multilingual models; whisper.cpp (1.8.3, `is_multilingual`) treats
/// any larger n_vocab as multilingual too.
const MULTILINGUAL_N_VOCAB: usize = 51865;
/// tiktoken tokens before the special tokens: `multilingual.tiktoken` has 50257 and
/// `gpt2.tiktoken` (English-only models) 50256. whisper.cpp derives the special token ids
/// from this count, so a mismatched vocabulary file would shift every special token.
const MULTILINGUAL_TIKTOKEN_LEN: usize = 50257;
const ENGLISH_TIKTOKEN_LEN: usize = 50256;

/// whisper.cpp computes 201 frequency bins from a 400-sample FFT (`WHISPER_N_FFT`).
const MEL_N_FFT_BINS: usize = 201;

/// CTranslate2 variables that carry no weights, with the value the conversion requires.
/// Activation 3 is exact GELU in CTranslate2's `ActivationType` (ReLU, GELUTanh, Swish, GELU).
const REQUIRED_FLAGS: [(&str, i64); 5] = [
    ("decoder/activation", 3),
    ("decoder/alibi", 0),
    ("decoder/pre_norm", 1),
    ("decoder/scale_embeddings", 0),
    ("decoder/start_from_zero_embedding", 0),
];

/// Metadata for CTranslate2's word timestamps, which whisper.cpp does not read from the file.
const IGNORED_VARIABLES: [&str; 2] = ["decoder/alignment_heads", "decoder/alignment_layer"];

/// The output projection is tied to the token embedding in Whisper and in whisper.cpp.
const TIED_PROJECTION: (&str, &str) = ("decoder/projection/weight", "decoder/embeddings/weight");

/// Summary of a conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionSummary {
    pub hparams: HParams,
    pub tensor_count: usize,
    pub vocabulary_len: usize,
}

/// Converts a CTranslate2 Whisper `model.bin` to a whisper.cpp ggml file written to `out`.
///
/// `vocabulary` is the tiktoken file matching the model (`multilingual.tiktoken` for
/// multilingual models, `gpt2.tiktoken` for English-only ones) and `mel_filters_npz` the
/// bytes of OpenAI's `mel_filters.npz`. The output is a pure function of the inputs, so
/// converting twice gives the same bytes.
pub fn convert<R: Read + Seek, W: Write + ?Sized>(
    model: R,
    vocabulary: &[u8],
    mel_filters_npz: &[u8],
    weight_type: WeightType,
    out: &mut W,
) -> Result<ConversionSummary, ConvertError> {
    let mut model = Ct2Model::open(model)?;
    if model.spec != "WhisperSpec" {
        return Err(ConvertError::Unsupported(format!(
            "spec is {}, expected WhisperSpec",
            model.spec
        )));
    }
    let dims = Dimensions::read(&mut model)?;
    let plan = tensor_plan(&dims);
    check_variables_are_known(&mut model, &plan)?;

    let tokens = parse_tiktoken(vocabulary)?;
    let expected_tokens = if dims.n_vocab >= MULTILINGUAL_N_VOCAB {
        MULTILINGUAL_TIKTOKEN_LEN
    } else {
        ENGLISH_TIKTOKEN_LEN
    };
    if tokens.len() != expected_tokens {
        return Err(ConvertError::Vocabulary(format!(
            "{} tokens, but a model with n_vocab {} needs {expected_tokens} ({})",
            tokens.len(),
            dims.n_vocab,
            if expected_tokens == MULTILINGUAL_TIKTOKEN_LEN {
                "multilingual.tiktoken"
            } else {
                "gpt2.tiktoken"
            }
        )));
    }

    let mel_key = format!("mel_{}", dims.n_mels);
    let mel = read_npz_array(mel_filters_npz, &mel_key)?;
    if mel.shape != [dims.n_mels, MEL_N_FFT_BINS] {
        return Err(ConvertError::MelFilters(format!(
            "{mel_key} has shape {:?}, expected [{}, {MEL_N_FFT_BINS}]",
            mel.shape, dims.n_mels
        )));
    }

    let hparams = dims.hparams(weight_type)?;
    ggml::write_header(out, &hparams)?;
    ggml::write_mel_filters(out, dims.n_mels, MEL_N_FFT_BINS, &mel.data)?;
    ggml::write_vocabulary(out, &tokens)?;
    for tensor in &plan {
        write_tensor(&mut model, tensor, weight_type, out)?;
    }
    out.flush()?;

    Ok(ConversionSummary {
        hparams,
        tensor_count: plan.len(),
        vocabulary_len: tokens.len(),
    })
}

/// Model dimensions, read from tensor shapes and the `num_heads` scalars.
#[derive(Debug, Clone, Copy)]
struct Dimensions {
    n_vocab: usize,
    n_state: usize,
    n_audio_ctx: usize,
    n_audio_head: usize,
    n_audio_layer: usize,
    n_text_ctx: usize,
    n_text_head: usize,
    n_text_layer: usize,
    n_mels: usize,
}

impl Dimensions {
    fn read<R: Read + Seek>(model: &mut Ct2Model<R>) -> Result<Dimensions, ConvertError> {
        let shape =
            |model: &Ct2Model<R>, name: &str, rank: usize| -> Result<Vec<usize>, ConvertError> {
                let variable = model.variable(name)?;
                if variable.shape.len() != rank {
                    return Err(ConvertError::Unsupported(format!(
                        "{name} has shape {:?}, expected rank {rank}",
                        variable.shape
                    )));
                }
                Ok(variable.shape.clone())
            };
        let embeddings = shape(model, "decoder/embeddings/weight", 2)?;
        let audio_positions = shape(model, "encoder/position_encodings/encodings", 2)?;
        let text_positions = shape(model, "decoder/position_encodings/encodings", 2)?;
        let conv1 = shape(model, "encoder/conv1/weight", 3)?;

        let n_state = embeddings[1];
        for (name, width) in [
            ("encoder/position_encodings/encodings", audio_positions[1]),
            ("decoder/position_encodings/encodings", text_positions[1]),
            ("encoder/conv1/weight", conv1[0]),
        ] {
            // whisper.cpp asserts n_audio_state == n_text_state.
            if width != n_state {
                return Err(ConvertError::Unsupported(format!(
                    "{name} has width {width} but the token embedding has {n_state}"
                )));
            }
        }

        let n_audio_head = positive_scalar(model, "encoder/num_heads")?;
        let n_text_head = positive_scalar(model, "decoder/num_heads")?;
        for heads in [n_audio_head, n_text_head] {
            if n_state % heads != 0 {
                return Err(ConvertError::Unsupported(format!(
                    "width {n_state} is not a multiple of {heads} heads"
                )));
            }
        }

        Ok(Dimensions {
            n_vocab: embeddings[0],
            n_state,
            n_audio_ctx: audio_positions[0],
            n_audio_head,
            n_audio_layer: count_layers(model, "encoder"),
            n_text_ctx: text_positions[0],
            n_text_head,
            n_text_layer: count_layers(model, "decoder"),
            n_mels: conv1[1],
        })
    }

    fn hparams(&self, weight_type: WeightType) -> Result<HParams, ConvertError> {
        let field = |value: usize| {
            i32::try_from(value).map_err(|_| {
                ConvertError::Unsupported(format!("dimension {value} does not fit in i32"))
            })
        };
        Ok(HParams {
            n_vocab: field(self.n_vocab)?,
            n_audio_ctx: field(self.n_audio_ctx)?,
            n_audio_state: field(self.n_state)?,
            n_audio_head: field(self.n_audio_head)?,
            n_audio_layer: field(self.n_audio_layer)?,
            n_text_ctx: field(self.n_text_ctx)?,
            n_text_state: field(self.n_state)?,
            n_text_head: field(self.n_text_head)?,
            n_text_layer: field(self.n_text_layer)?,
            n_mels: field(self.n_mels)?,
            ftype: weight_type.ftype(),
        })
    }
}

fn positive_scalar<R: Read + Seek>(
    model: &mut Ct2Model<R>,
    name: &str,
) -> Result<usize, ConvertError> {
    let value = model.read_scalar_int(name)?;
    usize::try_from(value)
        .ok()
        .filter(|value| *value > 0)
        .ok_or_else(|| {
            ConvertError::Unsupported(format!("{name} is {value}, expected a positive count"))
        })
}

/// Counts layers as one more than the highest `<stack>/layer_N` index. A missing layer in
/// between fails later, when its variables are looked up.
fn count_layers<R>(model: &Ct2Model<R>, stack: &str) -> usize {
    let prefix = format!("{stack}/layer_");
    model
        .variables()
        .filter_map(|variable| variable.name.strip_prefix(&prefix))
        .filter_map(|rest| rest.split('/').next()?.parse::<usize>().ok())
        .map(|index| index + 1)
        .max()
        .unwrap_or(0)
}

/// Storage class of an output tensor, following the whisper.cpp 1.8.3 loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Storage {
    /// 2-D weight matrix, in the requested weight type.
    Weight,
    /// 3-D conv kernel, f16 unless the weight type is f32.
    Conv,
    /// Conv bias, f32 stored as a column vector [1, n_state] that broadcasts over time.
    ConvBias,
    /// Norms, other biases and positional embeddings.
    F32,
}

/// One output tensor: which rows of which CTranslate2 variable it takes and how it is stored.
#[derive(Debug, Clone)]
struct PlannedTensor {
    ggml_name: String,
    ct2_name: String,
    /// Shape the CTranslate2 variable must have, outermost first.
    ct2_shape: Vec<usize>,
    /// Rows of the variable's outermost dimension (elements for a 1-D variable).
    rows: Range<usize>,
    /// ggml dimensions, innermost first.
    ne: Vec<usize>,
    storage: Storage,
}

/// Lists every tensor whisper.cpp 1.8.3 loads, in the order they are written.
///
/// CTranslate2 fuses the self-attention query, key and value projections into
/// `self_attention/linear_0` ([3n, n], split into three row blocks) and the cross-attention
/// key and value into `attention/linear_1` ([2n, n], two blocks). Whisper's key projection
/// has no bias, so the key block of the fused bias is dropped: it is zero, and a key bias
/// would only add the same q·b to every score of a query, which softmax cancels.
fn tensor_plan(dims: &Dimensions) -> Vec<PlannedTensor> {
    let n = dims.n_state;
    let mut plan = Vec::new();
    let mut add = |ggml_name: String,
                   ct2_name: String,
                   ct2_shape: Vec<usize>,
                   rows: Range<usize>,
                   storage: Storage| {
        let ne = match (storage, ct2_shape.as_slice()) {
            (Storage::Conv, [out_channels, in_channels, width]) => {
                vec![*width, *in_channels, *out_channels]
            }
            (Storage::ConvBias, [_]) => vec![1, rows.len()],
            (_, [_]) => vec![rows.len()],
            (_, [_, columns]) => vec![*columns, rows.len()],
            _ => unreachable!("the plan only lists 1-D, 2-D and conv tensors"),
        };
        plan.push(PlannedTensor {
            ggml_name,
            ct2_name,
            ct2_shape,
            rows,
            ne,
            storage,
        });
    };
    let whole = |rows: usize| 0..rows;

    add(
        "encoder.positional_embedding".into(),
        "encoder/position_encodings/encodings".into(),
        vec![dims.n_audio_ctx, n],
        whole(dims.n_audio_ctx),
        Storage::F32,
    );
    for (index, in_channels) in [(1, dims.n_mels), (2, n)] {
        add(
            format!("encoder.conv{index}.weight"),
            format!("encoder/conv{index}/weight"),
            vec![n, in_channels, 3],
            whole(n),
            Storage::Conv,
        );
        add(
            format!("encoder.conv{index}.bias"),
            format!("encoder/conv{index}/bias"),
            vec![n],
            whole(n),
            Storage::ConvBias,
        );
    }
    add_layer_norm(&mut add, "encoder.ln_post", "encoder/layer_norm", n);

    for layer in 0..dims.n_audio_layer {
        let ct2 = format!("encoder/layer_{layer}");
        let ggml = format!("encoder.blocks.{layer}");
        add_self_attention(&mut add, &ggml, &ct2, n);
        add_mlp(&mut add, &ggml, &ct2, n);
    }

    add(
        "decoder.positional_embedding".into(),
        "decoder/position_encodings/encodings".into(),
        vec![dims.n_text_ctx, n],
        whole(dims.n_text_ctx),
        Storage::F32,
    );
    add(
        "decoder.token_embedding.weight".into(),
        "decoder/embeddings/weight".into(),
        vec![dims.n_vocab, n],
        whole(dims.n_vocab),
        Storage::Weight,
    );
    add_layer_norm(&mut add, "decoder.ln", "decoder/layer_norm", n);

    for layer in 0..dims.n_text_layer {
        let ct2 = format!("decoder/layer_{layer}");
        let ggml = format!("decoder.blocks.{layer}");
        add_self_attention(&mut add, &ggml, &ct2, n);
        add_cross_attention(&mut add, &ggml, &ct2, n);
        add_mlp(&mut add, &ggml, &ct2, n);
    }
    plan
}

type AddTensor<'a> = dyn FnMut(String, String, Vec<usize>, Range<usize>, Storage) + 'a;

fn add_layer_norm(add: &mut AddTensor, ggml: &str, ct2: &str, n: usize) {
    add(
        format!("{ggml}.weight"),
        format!("{ct2}/gamma"),
        vec![n],
        0..n,
        Storage::F32,
    );
    add(
        format!("{ggml}.bias"),
        format!("{ct2}/beta"),
        vec![n],
        0..n,
        Storage::F32,
    );
}

fn add_linear(add: &mut AddTensor, ggml: &str, ct2: &str, outputs: usize, inputs: usize) {
    add(
        format!("{ggml}.weight"),
        format!("{ct2}/weight"),
        vec![outputs, inputs],
        0..outputs,
        Storage::Weight,
    );
    add(
        format!("{ggml}.bias"),
        format!("{ct2}/bias"),
        vec![outputs],
        0..outputs,
        Storage::F32,
    );
}

fn add_self_attention(add: &mut AddTensor, ggml: &str, ct2: &str, n: usize) {
    add_layer_norm(
        add,
        &format!("{ggml}.attn_ln"),
        &format!("{ct2}/self_attention/layer_norm"),
        n,
    );
    let fused = format!("{ct2}/self_attention/linear_0");
    let (query, key, value) = (0..n, n..2 * n, 2 * n..3 * n);
    for (part, rows, has_bias) in [
        ("query", query, true),
        ("key", key, false),
        ("value", value, true),
    ] {
        add(
            format!("{ggml}.attn.{part}.weight"),
            format!("{fused}/weight"),
            vec![3 * n, n],
            rows.clone(),
            Storage::Weight,
        );
        if has_bias {
            add(
                format!("{ggml}.attn.{part}.bias"),
                format!("{fused}/bias"),
                vec![3 * n],
                rows,
                Storage::F32,
            );
        }
    }
    add_linear(
        add,
        &format!("{ggml}.attn.out"),
        &format!("{ct2}/self_attention/linear_1"),
        n,
        n,
    );
}

fn add_cross_attention(add: &mut AddTensor, ggml: &str, ct2: &str, n: usize) {
    add_layer_norm(
        add,
        &format!("{ggml}.cross_attn_ln"),
        &format!("{ct2}/attention/layer_norm"),
        n,
    );
    add_linear(
        add,
        &format!("{ggml}.cross_attn.query"),
        &format!("{ct2}/attention/linear_0"),
        n,
        n,
    );
    let fused = format!("{ct2}/attention/linear_1");
    for (part, rows, has_bias) in [("key", 0..n, false), ("value", n..2 * n, true)] {
        add(
            format!("{ggml}.cross_attn.{part}.weight"),
            format!("{fused}/weight"),
            vec![2 * n, n],
            rows.clone(),
            Storage::Weight,
        );
        if has_bias {
            add(
                format!("{ggml}.cross_attn.{part}.bias"),
                format!("{fused}/bias"),
                vec![2 * n],
                rows,
                Storage::F32,
            );
        }
    }
    add_linear(
        add,
        &format!("{ggml}.cross_attn.out"),
        &format!("{ct2}/attention/linear_2"),
        n,
        n,
    );
}

fn add_mlp(add: &mut AddTensor, ggml: &str, ct2: &str, n: usize) {
    add_layer_norm(
        add,
        &format!("{ggml}.mlp_ln"),
        &format!("{ct2}/ffn/layer_norm"),
        n,
    );
    add_linear(
        add,
        &format!("{ggml}.mlp.0"),
        &format!("{ct2}/ffn/linear_0"),
        4 * n,
        n,
    );
    add_linear(
        add,
        &format!("{ggml}.mlp.2"),
        &format!("{ct2}/ffn/linear_1"),
        n,
        4 * n,
    );
}

/// Rejects a model with variables, aliases or flag values the plan does not account for,
/// because silently dropping them would produce a model that loads but transcribes wrongly.
fn check_variables_are_known<R: Read + Seek>(
    model: &mut Ct2Model<R>,
    plan: &[PlannedTensor],
) -> Result<(), ConvertError> {
    for (name, expected) in REQUIRED_FLAGS {
        if model.variable(name).is_ok() {
            let value = model.read_scalar_int(name)?;
            if value != expected {
                return Err(ConvertError::Unsupported(format!(
                    "{name} is {value}, but whisper.cpp needs {expected}"
                )));
            }
        }
    }
    for (alias, target) in model.aliases() {
        if (alias.as_str(), target.as_str()) != TIED_PROJECTION {
            return Err(ConvertError::Unsupported(format!(
                "unexpected alias {alias} of {target}"
            )));
        }
    }

    let mut known: BTreeSet<&str> = plan.iter().map(|tensor| tensor.ct2_name.as_str()).collect();
    known.extend(REQUIRED_FLAGS.map(|(name, _)| name));
    known.extend(IGNORED_VARIABLES);
    known.extend(["encoder/num_heads", "decoder/num_heads"]);
    let unknown: Vec<&str> = model
        .variables()
        .map(|variable| variable.name.as_str())
        .filter(|name| !known.contains(name))
        .collect();
    if !unknown.is_empty() {
        return Err(ConvertError::Unsupported(format!(
            "no whisper.cpp tensor for variable(s) {}",
            unknown.join(", ")
        )));
    }
    Ok(())
}

fn write_tensor<R: Read + Seek, W: Write + ?Sized>(
    model: &mut Ct2Model<R>,
    tensor: &PlannedTensor,
    weight_type: WeightType,
    out: &mut W,
) -> Result<(), ConvertError> {
    let variable = model.variable(&tensor.ct2_name)?;
    if variable.shape != tensor.ct2_shape {
        return Err(ConvertError::Unsupported(format!(
            "{} has shape {:?}, but {} needs {:?}",
            tensor.ct2_name, variable.shape, tensor.ggml_name, tensor.ct2_shape
        )));
    }
    let row_len = variable.row_len();
    let tensor_type = match tensor.storage {
        Storage::Weight => weight_type.ggml_type(),
        Storage::Conv => weight_type.conv_type(),
        Storage::ConvBias | Storage::F32 => GgmlType::F32,
    };
    let quantized = matches!(tensor_type, GgmlType::Q5_1 | GgmlType::Q8_0);
    if quantized && row_len % BLOCK_LEN != 0 {
        return Err(ConvertError::Unsupported(format!(
            "{} has rows of {row_len} values, not a multiple of the {BLOCK_LEN}-value quantization block",
            tensor.ct2_name
        )));
    }

    ggml::write_tensor_header(out, &tensor.ggml_name, &tensor.ne, tensor_type)?;
    let rows_per_chunk = (CHUNK_VALUES / row_len).max(1);
    let mut encoded = Vec::new();
    let mut row = tensor.rows.start;
    while row < tensor.rows.end {
        let count = rows_per_chunk.min(tensor.rows.end - row);
        let values = model.read_rows_f32(&tensor.ct2_name, row, count)?;
        encoded.clear();
        match tensor_type {
            GgmlType::F32 => encode_f32(&values, &mut encoded),
            GgmlType::F16 => encode_f16(&values, &mut encoded),
            GgmlType::Q8_0 => quantize_q8_0(&values, &mut encoded),
            GgmlType::Q5_1 => quantize_q5_1(&values, &mut encoded),
        }
        out.write_all(&encoded)?;
        row += count;
    }
    Ok(())
}
