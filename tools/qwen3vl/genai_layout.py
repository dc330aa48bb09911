"""Assembles one model folder in the onnxruntime-genai layout that both onnxruntime-genai and
Switchboard's engine load, for side-by-side speed measurements on the same ONNX files:

  text.onnx       the decoder from onnxruntime-genai's model builder (GQA, exclude_embeds)
  embedding.onnx  input_ids + image_features -> inputs_embeds (image rows scattered into the
                  <|image_pad|> rows), exported here from the checkpoint's token table
  vision.onnx     the vision graph make_fixture.py exported (without DeepStack: the builder's
                  decoder has no DeepStack input)
  genai_config.json, processor_config.json, tokenizer files

Run by hand (see README.md here):
  python tools/qwen3vl/genai_layout.py --hf /tmp/qwen3vl-bench-hf --ours /tmp/qwen3vl-bench \
      --tokenizer-dir DIR_WITH_TOKENIZER_FILES --out /tmp/genai-layout
"""
import argparse
import json
import pathlib
import shutil
import subprocess
import sys

import torch

from transformers import Qwen3VLForConditionalGeneration

IMAGE_PAD = 151655


class GenaiEmbedding(torch.nn.Module):
    def __init__(self, emb):
        super().__init__()
        self.emb = emb

    def forward(self, input_ids, image_features):
        e = self.emb(input_ids)
        mask = (input_ids == IMAGE_PAD).reshape(-1)
        # One zero row at the end stands in for "no image row" so the gather never runs past
        # an empty image_features (text-only calls pass 0 rows).
        feats = torch.cat([image_features, torch.zeros(1, image_features.shape[1], dtype=e.dtype)], 0)
        idx = torch.cumsum(mask.long(), 0) - 1
        idx = torch.where(mask, idx, torch.full_like(idx, feats.shape[0] - 1))
        rows = feats[idx].reshape(e.shape)
        return torch.where(mask.reshape(e.shape[:-1])[..., None], rows, e)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hf", required=True)
    ap.add_argument("--ours", required=True, help="folder make_fixture.py exported (onnx/...)")
    ap.add_argument("--tokenizer-dir", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    subprocess.run([sys.executable, "-m", "onnxruntime_genai.models.builder", "-m", args.hf, "-o", str(out / "builder"),
                    "-p", "fp32", "-e", "cpu", "-c", str(out / "cache"), "--extra_options", "exclude_embeds=true"],
                   check=True, stdout=subprocess.DEVNULL)
    for f in (out / "builder").iterdir():
        shutil.move(str(f), out / f.name)
    (out / "model.onnx").rename(out / "text.onnx")
    # The decoder's external data keeps its original file name inside the graph.

    model = Qwen3VLForConditionalGeneration.from_pretrained(args.hf, torch_dtype=torch.float32).eval()
    emb = GenaiEmbedding(model.model.language_model.embed_tokens).eval()
    H = model.config.text_config.hidden_size
    torch.onnx.export(emb, (torch.tensor([[1, IMAGE_PAD, IMAGE_PAD, 3]] * 2), torch.randn(4, H)), out / "embedding.onnx",
                      dynamo=True, external_data=True, input_names=["input_ids", "image_features"],
                      output_names=["inputs_embeds"],
                      dynamic_shapes={"input_ids": {0: torch.export.Dim("batch"), 1: torch.export.Dim("seq")},
                                      "image_features": {0: torch.export.Dim("rows")}})
    ours = pathlib.Path(args.ours)
    shutil.copy(ours / "onnx" / "vision_encoder_nods.onnx", out / "vision.onnx")
    shutil.copy(ours / "onnx" / "vision_encoder_nods.onnx.data", out / "vision_encoder_nods.onnx.data")
    for name in ["config.json", "generation_config.json", "preprocessor_config.json", "video_preprocessor_config.json"]:
        if (ours / name).exists():
            shutil.copy(ours / name, out / name)
    for name in ["tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt"]:
        src = pathlib.Path(args.tokenizer_dir) / name
        if src.exists():
            shutil.copy(src, out / name)

    cfg = json.loads((out / "genai_config.json").read_text())
    cfg["model"]["type"] = "qwen3_vl"
    cfg["model"]["decoder"]["filename"] = "text.onnx"
    cfg["model"]["bos_token_id"] = 151643
    cfg["model"]["eos_token_id"] = [151645, 151643]
    cfg["model"]["pad_token_id"] = 151643
    cfg["model"]["embedding"] = {"filename": "embedding.onnx",
                                 "inputs": {"input_ids": "input_ids", "image_features": "image_features"},
                                 "outputs": {"inputs_embeds": "inputs_embeds"}}
    cfg["model"]["vision"] = {"filename": "vision.onnx", "config_filename": "processor_config.json",
                              "spatial_merge_size": 2, "tokens_per_second": 2.0, "patch_size": 16,
                              "inputs": {"pixel_values": "pixel_values", "image_grid_thw": "image_grid_thw"},
                              "outputs": {"image_features": "image_features"}}
    cfg["model"]["image_token_id"] = IMAGE_PAD
    cfg["model"]["video_token_id"] = 151656
    cfg["model"]["vision_start_token_id"] = 151652
    (out / "genai_config.json").write_text(json.dumps(cfg, indent=4))
    pre = json.loads((out / "preprocessor_config.json").read_text())
    size = pre.get("size", {})
    (out / "processor_config.json").write_text(json.dumps({"processor": {"name": "qwen3_vl_image_processor", "transforms": [
        {"operation": {"name": "decode_image", "type": "DecodeImage", "attrs": {"color_space": "RGB"}}},
        {"operation": {"name": "convert_to_rgb", "type": "ConvertRGB"}},
        {"operation": {"name": "resize", "type": "Resize", "attrs": {
            "width": 540, "height": 360, "smart_resize": 1, "min_pixels": size.get("shortest_edge", 65536),
            "max_pixels": size.get("longest_edge", 16777216), "patch_size": 16, "merge_size": 2}}},
        {"operation": {"name": "rescale", "type": "Rescale", "attrs": {"rescale_factor": 1 / 255}}},
        {"operation": {"name": "normalize", "type": "Normalize", "attrs": {
            "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "qwen3_vl": 1}}},
        {"operation": {"name": "patch_image", "type": "PatchImage", "attrs": {
            "patch_size": 16, "temporal_patch_size": 2, "merge_size": 2}}}]}}, indent=2))
    print("wrote", out)


if __name__ == "__main__":
    main()
