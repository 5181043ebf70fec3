//! The legacy ggml model file that whisper.cpp loads (`ggml-*.bin`), written and read back.
//!
//! The layout is little-endian: the u32 magic 0x67676d6c and eleven i32 hyper-parameters, then
//! the mel filter bank (i32 n_mel, i32 n_fft, n_mel x n_fft f32), then the vocabulary (i32
//! count, and per token a u32 byte length and the bytes). Tensors follow until the end of the
//! file. Each is i32 n_dims, i32 name length, i32 ggml type, n_dims x i32 dimensions innermost
//! first, the name and the data. whisper.cpp 1.8.3 looks tensors up by name, so their order is
//! free. Its loader rejects an unknown name, a shape or byte size other than the one it
//! expects, and a tensor count other than the number of tensors it creates.

use std::io::{self, Read, Seek, SeekFrom, Write};

use super::quant::{BLOCK_LEN, Q5_1_BLOCK_BYTES, Q8_0_BLOCK_BYTES};
use super::ConvertError;

pub const MAGIC: u32 = 0x6767_6d6c;

/// Largest tensor rank that ggml supports (`GGML_MAX_DIMS`).
const MAX_DIMS: i32 = 4;

/// The ggml tensor types this crate writes, with their `ggml_type` numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GgmlType {
    F32,
    F16,
    Q5_1,
    Q8_0,
}

impl GgmlType {
    pub fn id(self) -> i32 {
        match self {
            GgmlType::F32 => 0,
            GgmlType::F16 => 1,
            GgmlType::Q5_1 => 7,
            GgmlType::Q8_0 => 8,
        }
    }

    pub fn from_id(id: i32) -> Option<GgmlType> {
        Some(match id {
            0 => GgmlType::F32,
            1 => GgmlType::F16,
            7 => GgmlType::Q5_1,
            8 => GgmlType::Q8_0,
            _ => return None,
        })
    }

    /// Bytes needed for `element_count` values, or None if a quantized type would need a
    /// partial block.
    pub fn byte_len(self, element_count: usize) -> Option<usize> {
        match self {
            GgmlType::F32 => Some(element_count * 4),
            GgmlType::F16 => Some(element_count * 2),
            GgmlType::Q5_1 | GgmlType::Q8_0 if element_count % BLOCK_LEN != 0 => None,
            GgmlType::Q5_1 => Some(element_count / BLOCK_LEN * Q5_1_BLOCK_BYTES),
            GgmlType::Q8_0 => Some(element_count / BLOCK_LEN * Q8_0_BLOCK_BYTES),
        }
    }
}

/// whisper.cpp hyper-parameters, in file order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HParams {
    pub n_vocab: i32,
    pub n_audio_ctx: i32,
    pub n_audio_state: i32,
    pub n_audio_head: i32,
    pub n_audio_layer: i32,
    pub n_text_ctx: i32,
    pub n_text_state: i32,
    pub n_text_head: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
    /// `ggml_ftype` of the 2-D weights, plus 1000 x the quantization version for quantized
    /// files.
    pub ftype: i32,
}

impl HParams {
    fn to_array(self) -> [i32; 11] {
        [
            self.n_vocab,
            self.n_audio_ctx,
            self.n_audio_state,
            self.n_audio_head,
            self.n_audio_layer,
            self.n_text_ctx,
            self.n_text_state,
            self.n_text_head,
            self.n_text_layer,
            self.n_mels,
            self.ftype,
        ]
    }

    fn from_array(values: [i32; 11]) -> HParams {
        let [n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype] =
            values;
        HParams {
            n_vocab,
            n_audio_ctx,
            n_audio_state,
            n_audio_head,
            n_audio_layer,
            n_text_ctx,
            n_text_state,
            n_text_head,
            n_text_layer,
            n_mels,
            ftype,
        }
    }
}

/// Writes the magic and the hyper-parameters.
pub fn write_header<W: Write + ?Sized>(out: &mut W, hparams: &HParams) -> io::Result<()> {
    out.write_all(&MAGIC.to_le_bytes())?;
    for value in hparams.to_array() {
        out.write_all(&value.to_le_bytes())?;
    }
    Ok(())
}

/// Writes the mel filter bank, `n_mel` rows of `n_fft` values in row-major order.
pub fn write_mel_filters<W: Write + ?Sized>(
    out: &mut W,
    n_mel: usize,
    n_fft: usize,
    data: &[f32],
) -> io::Result<()> {
    assert_eq!(
        data.len(),
        n_mel * n_fft,
        "mel filter data must be n_mel x n_fft values"
    );
    write_i32(out, n_mel)?;
    write_i32(out, n_fft)?;
    for value in data {
        out.write_all(&value.to_le_bytes())?;
    }
    Ok(())
}

/// Writes the vocabulary, token i being the bytes of token id i.
pub fn write_vocabulary<W: Write + ?Sized>(out: &mut W, tokens: &[Vec<u8>]) -> io::Result<()> {
    write_i32(out, tokens.len())?;
    for token in tokens {
        let len = u32::try_from(token.len()).expect("a token is shorter than 4 GiB");
        out.write_all(&len.to_le_bytes())?;
        out.write_all(token)?;
    }
    Ok(())
}

/// Writes a tensor header; the caller writes `tensor_type.byte_len(...)` bytes of data next.
/// `ne` lists the dimensions innermost first, as ggml does.
pub fn write_tensor_header<W: Write + ?Sized>(
    out: &mut W,
    name: &str,
    ne: &[usize],
    tensor_type: GgmlType,
) -> io::Result<()> {
    write_i32(out, ne.len())?;
    write_i32(out, name.len())?;
    out.write_all(&tensor_type.id().to_le_bytes())?;
    for &dim in ne {
        write_i32(out, dim)?;
    }
    out.write_all(name.as_bytes())
}

fn write_i32<W: Write + ?Sized>(out: &mut W, value: usize) -> io::Result<()> {
    let value = i32::try_from(value).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{value} does not fit in an i32 field"),
        )
    })?;
    out.write_all(&value.to_le_bytes())
}

/// A tensor of a ggml file, with the position of its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorInfo {
    pub name: String,
    /// Dimensions, innermost first.
    pub ne: Vec<usize>,
    pub tensor_type: GgmlType,
    pub data_offset: u64,
    pub data_len: u64,
}

/// Everything in a ggml file except the tensor data.
#[derive(Debug, Clone, PartialEq)]
pub struct GgmlIndex {
    pub hparams: HParams,
    pub mel_n_mel: usize,
    pub mel_n_fft: usize,
    pub mel_filters: Vec<f32>,
    pub vocabulary: Vec<Vec<u8>>,
    pub tensors: Vec<TensorInfo>,
}

/// Reads the header, mel filters, vocabulary and tensor index of a ggml file.
///
/// Rejects a file whose tensor data does not match its type and shape, or that ends inside a
/// tensor.
pub fn read_index<R: Read + Seek>(mut reader: R) -> Result<GgmlIndex, ConvertError> {
    let invalid = |message: String| ConvertError::Ggml(message);
    let file_len = reader.seek(SeekFrom::End(0))?;
    reader.seek(SeekFrom::Start(0))?;

    let magic = read_u32(&mut reader)?;
    if magic != MAGIC {
        return Err(invalid(format!(
            "bad magic {magic:#010x}, expected {MAGIC:#010x}"
        )));
    }
    let mut values = [0i32; 11];
    for value in &mut values {
        *value = read_i32(&mut reader)?;
    }
    let hparams = HParams::from_array(values);

    let mel_n_mel = read_count(&mut reader, "mel filter rows")?;
    let mel_n_fft = read_count(&mut reader, "mel filter columns")?;
    let mel_len = mel_n_mel * mel_n_fft * 4;
    if mel_len as u64 > file_len {
        return Err(invalid(format!(
            "mel filter bank of {mel_n_mel} x {mel_n_fft} is larger than the file"
        )));
    }
    let mut mel_bytes = vec![0u8; mel_len];
    reader.read_exact(&mut mel_bytes)?;
    let mel_filters = mel_bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();

    let token_count = read_count(&mut reader, "vocabulary size")?;
    let mut vocabulary = Vec::with_capacity(token_count);
    for _ in 0..token_count {
        let len = read_u32(&mut reader)? as usize;
        if len as u64 > file_len {
            return Err(invalid(format!(
                "token {} is longer than the file",
                vocabulary.len()
            )));
        }
        let mut token = vec![0u8; len];
        reader.read_exact(&mut token)?;
        vocabulary.push(token);
    }

    let mut tensors = Vec::new();
    while reader.stream_position()? < file_len {
        let n_dims = read_i32(&mut reader)?;
        let name_len = read_count(&mut reader, "tensor name length")?;
        let type_id = read_i32(&mut reader)?;
        if !(1..=MAX_DIMS).contains(&n_dims) {
            return Err(invalid(format!(
                "tensor {} has {n_dims} dimensions",
                tensors.len()
            )));
        }
        let mut ne = Vec::with_capacity(n_dims as usize);
        for _ in 0..n_dims {
            ne.push(read_count(&mut reader, "tensor dimension")?);
        }
        let mut name = vec![0u8; name_len];
        reader.read_exact(&mut name)?;
        let name = String::from_utf8(name)
            .map_err(|_| invalid("a tensor name is not UTF-8".to_string()))?;
        let tensor_type = GgmlType::from_id(type_id)
            .ok_or_else(|| invalid(format!("tensor {name} has unsupported ggml type {type_id}")))?;
        let element_count: usize = ne.iter().product();
        let data_len = tensor_type.byte_len(element_count).ok_or_else(|| {
            invalid(format!(
                "tensor {name} of shape {ne:?} is not whole {tensor_type:?} blocks"
            ))
        })? as u64;
        let data_offset = reader.stream_position()?;
        if data_offset + data_len > file_len {
            return Err(invalid(format!(
                "tensor {name} ends after the end of the file"
            )));
        }
        reader.seek(SeekFrom::Current(data_len as i64))?;
        tensors.push(TensorInfo {
            name,
            ne,
            tensor_type,
            data_offset,
            data_len,
        });
    }

    Ok(GgmlIndex {
        hparams,
        mel_n_mel,
        mel_n_fft,
        mel_filters,
        vocabulary,
        tensors,
    })
}

fn read_u32(reader: &mut impl Read) -> io::Result<u32> {
    let mut bytes = [0u8; 4];
    reader.read_exact(&mut bytes)?;
    Ok(u32::from_le_bytes(bytes))
}

fn read_i32(reader: &mut impl Read) -> io::Result<i32> {
    let mut bytes = [0u8; 4];
    reader.read_exact(&mut bytes)?;
    Ok(i32::from_le_bytes(bytes))
}

fn read_count(reader: &mut impl Read, what: &str) -> Result<usize, ConvertError> {
    let value = read_i32(reader)?;
    usize::try_from(value).map_err(|_| ConvertError::Ggml(format!("negative {what}: {value}")))
}
