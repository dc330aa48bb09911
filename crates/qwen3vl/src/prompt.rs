//! The Qwen3-VL Instruct chat template, rendered straight to token ids: special tokens are
//! placed by id and only the text between them goes through the tokenizer (special tokens
//! always split the text, so this equals tokenizing the rendered string). Images become
//! `<|vision_start|>` + pads + `<|vision_end|>`; videos become one block per frame group, each
//! after its `<t seconds>` timestamp.

use tokenizers::Tokenizer;

pub const IM_START: u32 = 151644;
pub const IM_END: u32 = 151645;
pub const ENDOFTEXT: u32 = 151643;
pub const VISION_START: u32 = 151652;
pub const VISION_END: u32 = 151653;
pub const IMAGE_PAD: u32 = 151655;
pub const VIDEO_PAD: u32 = 151656;

/// How a video's blocks sit in the prompt. transformers 4.57 and vLLM replace the template's
/// outer `<|vision_start|><|video_pad|><|vision_end|>` with the per-group blocks; transformers
/// 5.x keeps the outer markers around them (two more tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VideoLayout {
    #[default]
    Replace,
    KeepOuter,
}

#[derive(Debug, Clone)]
pub enum Part {
    Text(String),
    /// An image that becomes this many merged tokens.
    Image {
        tokens: usize,
    },
    /// A video: per frame group, its timestamp in seconds and its merged tokens.
    Video {
        groups: Vec<(f64, usize)>,
    },
}

#[derive(Debug, Clone)]
pub struct Turn {
    pub role: &'static str,
    pub parts: Vec<Part>,
}

#[derive(Debug, thiserror::Error)]
#[error("tokenizer: {0}")]
pub struct TokenizeError(String);

struct Builder<'a> {
    tok: &'a Tokenizer,
    ids: Vec<u32>,
    text: String,
}

impl Builder<'_> {
    fn flush(&mut self) -> Result<(), TokenizeError> {
        if !self.text.is_empty() {
            let enc = self
                .tok
                .encode(self.text.as_str(), false)
                .map_err(|e| TokenizeError(e.to_string()))?;
            self.ids.extend_from_slice(enc.get_ids());
            self.text.clear();
        }
        Ok(())
    }

    fn special(&mut self, id: u32, count: usize) -> Result<(), TokenizeError> {
        self.flush()?;
        self.ids.extend(std::iter::repeat_n(id, count));
        Ok(())
    }
}

/// Renders the conversation and, with `generation_prompt`, the assistant's opening.
pub fn render(
    tok: &Tokenizer,
    turns: &[Turn],
    generation_prompt: bool,
    layout: VideoLayout,
) -> Result<Vec<u32>, TokenizeError> {
    let mut b = Builder {
        tok,
        ids: Vec::new(),
        text: String::new(),
    };
    for t in turns {
        b.special(IM_START, 1)?;
        b.text.push_str(t.role);
        b.text.push('\n');
        for p in &t.parts {
            match p {
                Part::Text(s) => b.text.push_str(s),
                Part::Image { tokens } => {
                    b.special(VISION_START, 1)?;
                    b.special(IMAGE_PAD, *tokens)?;
                    b.special(VISION_END, 1)?;
                }
                Part::Video { groups } => {
                    if layout == VideoLayout::KeepOuter {
                        b.special(VISION_START, 1)?;
                    }
                    for (ts, tokens) in groups {
                        b.text.push_str(&format!("<{ts:.1} seconds>"));
                        b.special(VISION_START, 1)?;
                        b.special(VIDEO_PAD, *tokens)?;
                        b.special(VISION_END, 1)?;
                    }
                    if layout == VideoLayout::KeepOuter {
                        b.special(VISION_END, 1)?;
                    }
                }
            }
        }
        b.special(IM_END, 1)?;
        b.text.push('\n');
    }
    if generation_prompt {
        b.special(IM_START, 1)?;
        b.text.push_str("assistant\n");
    }
    b.flush()?;
    Ok(b.ids)
}

/// Turns generated ids into text pieces as they arrive, never splitting a UTF-8 character:
/// a piece is released only once the bytes decode without a replacement character.
pub struct TextStream {
    ids: Vec<u32>,
    prefix_offset: usize,
    read_offset: usize,
}

impl Default for TextStream {
    fn default() -> Self {
        Self::new()
    }
}

impl TextStream {
    pub fn new() -> Self {
        TextStream {
            ids: Vec::new(),
            prefix_offset: 0,
            read_offset: 0,
        }
    }

    pub fn push(&mut self, tok: &Tokenizer, id: u32) -> Result<Option<String>, TokenizeError> {
        self.ids.push(id);
        let decode = |ids: &[u32]| {
            tok.decode(ids, true)
                .map_err(|e| TokenizeError(e.to_string()))
        };
        let prefix = decode(&self.ids[self.prefix_offset..self.read_offset])?;
        let full = decode(&self.ids[self.prefix_offset..])?;
        if full.len() > prefix.len()
            && !full.ends_with('\u{FFFD}')
            && let Some(delta) = full.get(prefix.len()..)
        {
            let delta = delta.to_string();
            self.prefix_offset = self.read_offset;
            self.read_offset = self.ids.len();
            return Ok(Some(delta));
        }
        Ok(None)
    }
}

/// Holds back text that could be the start of a stop sequence, and reports when one appears.
pub struct StopMatcher {
    stops: Vec<String>,
    pending: String,
}

impl StopMatcher {
    pub fn new(stops: Vec<String>) -> Self {
        StopMatcher {
            stops: stops.into_iter().filter(|s| !s.is_empty()).collect(),
            pending: String::new(),
        }
    }

    /// Adds text; returns (text safe to emit now, whether a stop sequence was hit).
    pub fn push(&mut self, text: &str) -> (String, bool) {
        self.pending.push_str(text);
        if let Some(pos) = self
            .stops
            .iter()
            .filter_map(|s| self.pending.find(s.as_str()))
            .min()
        {
            let out = self.pending[..pos].to_string();
            self.pending.clear();
            return (out, true);
        }
        // Keep the longest suffix that is a proper prefix of some stop sequence.
        let mut keep = 0;
        for s in &self.stops {
            for (i, _) in s.char_indices().skip(1) {
                if self.pending.ends_with(&s[..i]) {
                    keep = keep.max(i);
                }
            }
        }
        let cut = self.pending.len() - keep;
        let out = self.pending[..cut].to_string();
        self.pending.drain(..cut);
        (out, false)
    }

    /// What is still held back once generation ends without a stop.
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_sequences_are_cut_and_prefixes_held() {
        let mut m = StopMatcher::new(vec!["END".into(), "\n\n".into()]);
        assert_eq!(m.push("hello E"), ("hello ".to_string(), false));
        assert_eq!(m.push("N"), (String::new(), false));
        assert_eq!(m.push("X more"), ("ENX more".to_string(), false));
        assert_eq!(m.push(" done\n"), (" done".to_string(), false));
        assert_eq!(m.push("\nafter"), (String::new(), true));
        let mut m = StopMatcher::new(vec!["停".into()]);
        assert_eq!(m.push("你好停下"), ("你好".to_string(), true));
        let mut m = StopMatcher::new(vec![]);
        assert_eq!(m.push("abc"), ("abc".to_string(), false));
        assert_eq!(m.finish(), "");
    }
}
