//! The model folder's JSON files: `config.json` (token ids, merge size, sizes as fallbacks for
//! what the graphs do not say), the processors' settings (pixel budgets, normalisation, video
//! sampling), `generation_config.json` (stop ids and sampling defaults). Processor settings are
//! read as transformers 5 reads them: the `image_processor` / `video_processor` sections of
//! `processor_config.json` (what it saves) when present, else `preprocessor_config.json` /
//! `video_preprocessor_config.json` (what the published checkpoints have). Both key layouts are
//! accepted (`rope_scaling` or `rope_parameters`; `size` or `min_pixels`/`max_pixels`).

use std::path::Path;

use serde_json::Value;

use crate::preprocess::VisionConfig;

#[derive(Debug, Clone)]
pub struct ModelConfig {
    pub image_token_id: u32,
    pub video_token_id: u32,
    pub vision_start_id: u32,
    pub merge_size: usize,
    pub hidden_size: usize,
    pub num_layers: usize,
    pub num_kv_heads: usize,
    pub head_dim: usize,
    pub vocab_size: usize,
    pub image: VisionConfig,
    pub video: VideoConfig,
    pub eos_ids: Vec<u32>,
    pub temperature: f32,
    pub top_p: f32,
    pub top_k: Option<usize>,
    pub repetition_penalty: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VideoConfig {
    pub vision: VisionConfig,
    /// Frames sampled per second of video.
    pub fps: f64,
    pub min_frames: usize,
    pub max_frames: usize,
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_optional(path: &Path) -> Result<Value, String> {
    if path.exists() {
        read_json(path)
    } else {
        Ok(Value::Null)
    }
}

fn uint(v: &Value, key: &str) -> Option<usize> {
    v.get(key).and_then(Value::as_u64).map(|x| x as usize)
}

fn vision_from(v: &Value, base: VisionConfig) -> VisionConfig {
    let mut c = base;
    if let Some(p) = uint(v, "patch_size") {
        c.patch_size = p;
    }
    if let Some(p) = uint(v, "temporal_patch_size") {
        c.temporal_patch_size = p;
    }
    if let Some(p) = uint(v, "merge_size") {
        c.merge_size = p;
    }
    // Newer files say size = {shortest_edge, longest_edge} (pixel counts); older ones min/max_pixels.
    if let Some(p) = v
        .get("size")
        .and_then(|s| uint(s, "shortest_edge"))
        .or_else(|| uint(v, "min_pixels"))
    {
        c.min_pixels = p;
    }
    if let Some(p) = v
        .get("size")
        .and_then(|s| uint(s, "longest_edge"))
        .or_else(|| uint(v, "max_pixels"))
    {
        c.max_pixels = p;
    }
    let triple = |key: &str| -> Option<[f32; 3]> {
        let a = v.get(key)?.as_array()?;
        Some([
            a.first()?.as_f64()? as f32,
            a.get(1)?.as_f64()? as f32,
            a.get(2)?.as_f64()? as f32,
        ])
    };
    if let Some(m) = triple("image_mean") {
        c.mean = m;
    }
    if let Some(s) = triple("image_std") {
        c.std = s;
    }
    c
}

impl ModelConfig {
    pub fn load(dir: &Path) -> Result<ModelConfig, String> {
        let cfg = read_json(&dir.join("config.json"))?;
        let text = cfg
            .get("text_config")
            .cloned()
            .unwrap_or_else(|| cfg.clone());
        let vision = cfg.get("vision_config").cloned().unwrap_or(Value::Null);
        let processor = read_optional(&dir.join("processor_config.json"))?;
        let section = |key: &str, file: &str| -> Result<Value, String> {
            match processor.get(key) {
                Some(v) => Ok(v.clone()),
                None => read_optional(&dir.join(file)),
            }
        };
        let pre = section("image_processor", "preprocessor_config.json")?;
        let vpre = section("video_processor", "video_preprocessor_config.json")?;
        let gen_cfg = read_optional(&dir.join("generation_config.json"))?;

        let hidden_size = uint(&text, "hidden_size").ok_or("config.json: no hidden_size")?;
        let heads = uint(&text, "num_attention_heads").unwrap_or(1);
        let mut image = vision_from(&vision, VisionConfig::default());
        if let Some(m) = uint(&vision, "spatial_merge_size") {
            image.merge_size = m;
        }
        let image = vision_from(&pre, image);
        // Qwen3-VL's video defaults: 2 fps, 4..768 frames, its own pixel budget.
        let video_base = VisionConfig {
            // transformers' video processors are torchvision's only.
            resize: crate::preprocess::ImageResize::Torchvision,
            min_pixels: 4096,
            max_pixels: 25_165_824,
            ..image.clone()
        };
        let video = VideoConfig {
            vision: vision_from(&vpre, video_base),
            fps: vpre.get("fps").and_then(Value::as_f64).unwrap_or(2.0),
            min_frames: uint(&vpre, "min_frames").unwrap_or(4),
            max_frames: uint(&vpre, "max_frames").unwrap_or(768),
        };
        let eos_ids = match gen_cfg.get("eos_token_id") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_u64)
                .map(|x| x as u32)
                .collect(),
            Some(v) => v.as_u64().map(|x| vec![x as u32]).unwrap_or_default(),
            None => vec![151645, 151643],
        };
        let id = |key: &str, default: u32| {
            cfg.get(key)
                .and_then(Value::as_u64)
                .map(|x| x as u32)
                .unwrap_or(default)
        };
        Ok(ModelConfig {
            image_token_id: id("image_token_id", 151655),
            video_token_id: id("video_token_id", 151656),
            vision_start_id: id("vision_start_token_id", 151652),
            merge_size: image.merge_size,
            hidden_size,
            num_layers: uint(&text, "num_hidden_layers")
                .ok_or("config.json: no num_hidden_layers")?,
            num_kv_heads: uint(&text, "num_key_value_heads").unwrap_or(heads),
            head_dim: uint(&text, "head_dim").unwrap_or(hidden_size / heads.max(1)),
            vocab_size: uint(&text, "vocab_size").unwrap_or(151_936),
            image,
            video,
            eos_ids,
            temperature: gen_cfg
                .get("temperature")
                .and_then(Value::as_f64)
                .unwrap_or(0.7) as f32,
            top_p: gen_cfg.get("top_p").and_then(Value::as_f64).unwrap_or(0.8) as f32,
            top_k: uint(&gen_cfg, "top_k").or(Some(20)),
            repetition_penalty: gen_cfg
                .get("repetition_penalty")
                .and_then(Value::as_f64)
                .unwrap_or(1.0) as f32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, v: serde_json::Value) {
        std::fs::write(dir.join(name), v.to_string()).unwrap();
    }

    /// transformers 5 saves the processors inside processor_config.json, and reads that first.
    #[test]
    fn processor_settings_come_from_processor_config_first() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let fixture =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/qwen3vl-tiny");
        std::fs::copy(fixture.join("config.json"), d.join("config.json")).unwrap();
        let legacy = |budget: u64| serde_json::json!({"size": {"shortest_edge": budget, "longest_edge": budget * 4}});
        write(d, "preprocessor_config.json", legacy(1000));
        write(d, "video_preprocessor_config.json", legacy(2000));
        let c = ModelConfig::load(d).unwrap();
        assert_eq!(c.image.min_pixels, 1000);
        assert_eq!(c.video.vision.min_pixels, 2000);
        write(
            d,
            "processor_config.json",
            serde_json::json!({
                "image_processor": {"size": {"shortest_edge": 9216, "longest_edge": 25600},
                                    "image_mean": [0.25, 0.5, 0.75]},
                "video_processor": {"size": {"shortest_edge": 2304, "longest_edge": 36864},
                                    "fps": 1, "min_frames": 2, "max_frames": 64},
            }),
        );
        let c = ModelConfig::load(d).unwrap();
        assert_eq!((c.image.min_pixels, c.image.max_pixels), (9216, 25600));
        assert_eq!(c.image.mean, [0.25, 0.5, 0.75]);
        assert_eq!(
            (c.video.vision.min_pixels, c.video.vision.max_pixels),
            (2304, 36864)
        );
        assert_eq!(
            (c.video.fps, c.video.min_frames, c.video.max_frames),
            (1.0, 2, 64)
        );
    }
}
