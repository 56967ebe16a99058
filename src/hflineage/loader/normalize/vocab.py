"""Shipped vocabularies: placeholders, canonical owner-less ids, model types, licences, evidence."""

from __future__ import annotations

#: The derivation relations a DERIVED_FROM edge declares, in display order.
RELATIONS = ("finetune", "adapter", "quantized", "merge")
#: What an edge's ``relation`` may hold: a declared relation, or ``unknown`` (kept, not guessed).
EDGE_RELATIONS = (*RELATIONS, "unknown")
#: Who wrote a commit: a Hub username (``hub``) or a git display name (``git``).
CONTRIBUTOR_KINDS = ("hub", "git")

PLACEHOLDERS = frozenset({
    "", "unknown", "none", "null", "nil", "n/a", "na", "nan", "-", "?", "tbd", "todo", "undefined",
    "other", "base_model", "base-model", "model", "your-model", "<base_model>",
})

# The Hub's legacy canonical repos, published before namespaces were required. An owner-less
# parent outside this list (``mistral-7b``, ``Algorithm``) is not a Hub id and is rejected.
CANONICAL_IDS = frozenset({
    "albert-base-v1", "albert-base-v2", "albert-large-v1", "albert-large-v2", "albert-xlarge-v1",
    "albert-xlarge-v2", "albert-xxlarge-v1", "albert-xxlarge-v2", "bert-base-cased",
    "bert-base-cased-finetuned-mrpc", "bert-base-chinese", "bert-base-german-cased",
    "bert-base-german-dbmdz-cased", "bert-base-german-dbmdz-uncased",
    "bert-base-multilingual-cased", "bert-base-multilingual-uncased", "bert-base-uncased",
    "bert-large-cased", "bert-large-cased-whole-word-masking",
    "bert-large-cased-whole-word-masking-finetuned-squad", "bert-large-uncased",
    "bert-large-uncased-whole-word-masking",
    "bert-large-uncased-whole-word-masking-finetuned-squad", "camembert-base", "ctrl",
    "distilbert-base-cased", "distilbert-base-cased-distilled-squad",
    "distilbert-base-german-cased", "distilbert-base-multilingual-cased",
    "distilbert-base-uncased", "distilbert-base-uncased-distilled-squad",
    "distilbert-base-uncased-finetuned-sst-2-english", "distilgpt2", "distilroberta-base", "gpt2",
    "gpt2-large", "gpt2-medium", "gpt2-xl", "openai-gpt", "roberta-base",
    "roberta-base-openai-detector", "roberta-large", "roberta-large-mnli",
    "roberta-large-openai-detector", "t5-11b", "t5-3b", "t5-base", "t5-large", "t5-small",
    "transfo-xl-wt103", "xlm-clm-ende-1024", "xlm-clm-enfr-1024", "xlm-mlm-100-1280",
    "xlm-mlm-17-1280", "xlm-mlm-en-2048", "xlm-mlm-ende-1024", "xlm-mlm-enfr-1024",
    "xlm-mlm-enro-1024", "xlm-mlm-tlm-xnli15-1024", "xlm-mlm-xnli15-1024", "xlm-roberta-base",
    "xlm-roberta-large", "xlm-roberta-large-finetuned-conll02-dutch",
    "xlm-roberta-large-finetuned-conll02-spanish", "xlm-roberta-large-finetuned-conll03-english",
    "xlm-roberta-large-finetuned-conll03-german", "xlnet-base-cased", "xlnet-large-cased",
})

# ``config.model_type`` values of transformers (a snapshot of its CONFIG_MAPPING names).
MODEL_TYPES = frozenset({
    "albert", "align", "altclip", "aria", "audio-spectrogram-transformer", "autoformer",
    "aya_vision", "bamba", "bark", "bart", "beit", "bert", "bert-generation", "big_bird",
    "bigbird_pegasus", "biogpt", "bit", "blenderbot", "blenderbot-small", "blip", "blip-2",
    "bloom", "bridgetower", "bros", "camembert", "canine", "chameleon", "chinese_clip", "clap",
    "clip", "clipseg", "clvp", "code_llama", "codegen", "cohere", "cohere2", "colpali",
    "conditional_detr", "convbert", "convnext", "convnextv2", "cpmant", "ctrl", "cvt", "dab-detr",
    "dac", "data2vec-audio", "data2vec-text", "data2vec-vision", "dbrx", "deberta", "deberta-v2",
    "decision_transformer", "deepseek_v2", "deepseek_v3", "deformable_detr", "deit",
    "depth_anything", "depth_pro", "detr", "diffllama", "dinat", "dinov2", "distilbert",
    "donut-swin", "dpr", "dpt", "efficientnet", "electra", "emu3", "encodec", "encoder-decoder",
    "ernie", "esm", "exaone", "falcon", "falcon_mamba", "fastspeech2_conformer", "flaubert",
    "flava", "fnet", "focalnet", "fsmt", "funnel", "fuyu", "gemma", "gemma2", "gemma3",
    "gemma3_text", "git", "glm", "glm4", "glpn", "got_ocr2", "gpt-sw3", "gpt2", "gpt_bigcode",
    "gpt_neo", "gpt_neox", "gpt_neox_japanese", "gptj", "granite", "granitemoe",
    "granitemoeshared", "grounding-dino", "groupvit", "helium", "hiera", "hubert", "ibert",
    "idefics", "idefics2", "idefics3", "ijepa", "imagegpt", "informer", "instructblip",
    "instructblipvideo", "jamba", "jetmoe", "kosmos-2", "layoutlm", "layoutlmv2", "layoutlmv3",
    "led", "levit", "lilt", "llama", "llama4", "llava", "llava_next", "llava_next_video",
    "llava_onevision", "longformer", "longt5", "luke", "lxmert", "m2m_100", "mamba", "mamba2",
    "marian", "markuplm", "mask2former", "maskformer", "mbart", "megatron-bert", "mgp-str", "mimi",
    "mistral", "mistral3", "mixtral", "mllama", "mobilebert", "mobilenet_v1", "mobilenet_v2",
    "mobilevit", "mobilevitv2", "modernbert", "moonshine", "moshi", "mpnet", "mpt", "mra", "mt5",
    "musicgen", "musicgen_melody", "mvp", "nemotron", "nllb-moe", "nougat", "nystromformer",
    "olmo", "olmo2", "olmoe", "omdet-turbo", "oneformer", "openai-gpt", "opt", "owlv2", "owlvit",
    "paligemma", "patchtsmixer", "patchtst", "pegasus", "pegasus_x", "perceiver", "persimmon",
    "phi", "phi3", "phi4_multimodal", "phimoe", "pix2struct", "pixtral", "plbart", "poolformer",
    "pop2piano", "prophetnet", "pvt", "pvt_v2", "qwen2", "qwen2_5_vl", "qwen2_audio", "qwen2_moe",
    "qwen2_vl", "qwen3", "qwen3_moe", "rag", "recurrent_gemma", "reformer", "regnet", "rembert",
    "resnet", "roberta", "roberta-prelayernorm", "roc_bert", "roformer", "rt_detr", "rt_detr_v2",
    "rwkv", "sam", "seamless_m4t", "seamless_m4t_v2", "segformer", "seggpt", "sew", "sew-d",
    "shieldgemma2", "siglip", "siglip2", "smolvlm", "speech-encoder-decoder", "speech_to_text",
    "speecht5", "splinter", "squeezebert", "stablelm", "starcoder2", "superglue", "superpoint",
    "swiftformer", "swin", "swin2sr", "swinv2", "switch_transformers", "t5", "table-transformer",
    "tapas", "textnet", "time_series_transformer", "timesformer", "timm_backbone", "timm_wrapper",
    "trajectory_transformer", "transfo-xl", "trocr", "tvp", "udop", "umt5", "unispeech",
    "unispeech-sat", "univnet", "upernet", "video_llava", "videomae", "vilt", "vipllava",
    "vision-encoder-decoder", "vision-text-dual-encoder", "visual_bert", "vit", "vit_hybrid",
    "vit_mae", "vit_msn", "vitdet", "vitmatte", "vitpose", "vits", "vivit", "wav2vec2",
    "wav2vec2-bert", "wav2vec2-conformer", "wavlm", "whisper", "x-clip", "xglm", "xlm",
    "xlm-roberta", "xlm-roberta-xl", "xlnet", "xmod", "yolos", "yoso", "zamba", "zamba2",
    "zoedepth",
})

ADAPTER_EVIDENCE = frozenset({"peft", "lora", "qlora", "adapter", "adapter-transformers"})
QUANTIZED_EVIDENCE = frozenset({
    "gguf", "gptq", "awq", "exl2", "bitsandbytes", "4-bit", "8-bit", "4bit", "8bit", "bnb",
    "quantized", "ggml", "hqq", "aqlm", "mlx-4bit",
})
# Tokens of a model's own name (split on ``-``, ``_``, ``.``) that show quantization
# (``TheBloke/Llama-2-7B-GGUF``, ``x-4bit``). A size token (``4B``, ``8b``) never does.
QUANTIZED_NAME_TOKENS = frozenset({
    "gguf", "ggml", "gptq", "awq", "exl2", "bnb", "hqq", "aqlm", "int4", "int8", "nf4", "fp8",
    "quantized",
})
# Bit widths (``4bit``, ``8bits``), GGUF quant types (``Q4_K_M``, ``Q8_0``, ``IQ3_XS``) and
# ExLlamaV2 bit rates (``4.0bpw``).
QUANTIZED_NAME_PATTERN = (r"(?:^|[-_.])(?:[1-8]bits?|i?q[1-8](?:_k(?:_[a-z]{1,2})?"
                          r"|_[0-9a-z]{1,2}(?:_[a-z]{1,2})?)|\d+(?:\.\d+)?bpw)(?:$|[-_.])")
# Tags (lower case, without ``-``) or parts of a model's id (split on ``-``, ``_``, ``.``) that mark
# it stored quantized: its parameter count is then of packed storage, not of weights (GPTQ/AWQ
# safetensors hold 8 4-bit weights per int32, bitsandbytes 2 per uint8). GGUF is no marker: GGUF
# files enter neither safetensors nor #Params. Kept on the model as ``quantizedStorage``.
QUANTIZED_STORAGE_MARKERS = frozenset({
    "gptq", "awq", "exl2", "bnb", "bitsandbytes", "int4", "int8", "2bit", "3bit", "4bit", "5bit",
    "6bit", "8bit",
})
# Files of a repo (``siblings``) that prove what it is; kept on the model as ``fileEvidence``.
FILE_EVIDENCE = {"gguf": "quantized", "adapter_config": "adapter", "mergekit": "merge"}

# Model card fields other than ``base_model`` that may name where a model came from (TheBloke's
# ``model_name``/``model_creator``, hand-written ``finetuned_from``); kept on the model as
# ``cardHints`` (``field=value``) for ``hflineage infer``.
CARD_HINT_FIELDS = ("model_name", "model_creator", "finetuned_from", "base_model_name",
                    "parent_model", "original_model", "source_model", "merge-model",
                    "model_link")

# Dataset values that name no Hub dataset: ``datasets`` builder names that Trainer writes into
# auto-generated cards for local data (``Dataset.from_generator`` becomes ``generator``).
DATASET_PLACEHOLDERS = frozenset({
    "generator", "imagefolder", "audiofolder", "json", "csv", "parquet", "text", "arrow",
    "pandas", "webdataset", "dataset", "datasets", "custom", "private", "your-dataset",
    "your_dataset", "<dataset>",
})
# Contributor accounts that are bots although no ``bot`` token says so.
BOT_ACCOUNTS = frozenset({
    "sfconvertbot", "system", "dumbot", "github-actions", "dependabot", "huggingfacebot",
})

PERMISSIVE = frozenset({
    "apache-2.0", "mit", "bsd", "bsd-2-clause", "bsd-3-clause", "bsd-3-clause-clear", "isc",
    "unlicense", "cc0-1.0", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0", "zlib", "bsl-1.0",
    "postgresql", "ncsa", "wtfpl", "pddl", "odc-by", "artistic-2.0", "afl-3.0", "ecl-2.0", "ms-pl",
    "cdla-permissive-1.0", "cdla-permissive-2.0", "apache-1.1", "bsd-4-clause", "mit-0", "0bsd",
    "pddl-1.0", "etalab-2.0", "lppl-1.3c", "ofl-1.1", "unicode-dfs-2016",
})
COPYLEFT = frozenset({
    "gpl", "gpl-2.0", "gpl-3.0", "lgpl", "lgpl-2.1", "lgpl-3.0", "lgpl-lr", "agpl-3.0", "mpl-2.0",
    "epl-1.0", "epl-2.0", "eupl-1.1", "eupl-1.2", "osl-3.0", "cc-by-sa-3.0", "cc-by-sa-4.0",
    "odbl", "cdla-sharing-1.0", "gfdl", "cecill-2.1", "ms-rl",
})
NON_COMMERCIAL = frozenset({
    "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nc-sa-2.0", "cc-by-nc-sa-3.0",
    "cc-by-nc-sa-4.0", "cc-by-nc-nd-3.0", "cc-by-nc-nd-4.0", "apple-amlr", "apple-ascl",
    "fair-noncommercial-research-license", "h-research", "intel-research",
})
CUSTOM_RESTRICTED = frozenset({
    "other", "llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "gemma", "openrail",
    "openrail++", "bigscience-openrail-m", "creativeml-openrail-m", "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m", "deepfloyd-if-license", "c-uda", "cc-by-nd-4.0", "tongyi-qianwen",
    "qwen", "deepseek", "falcon", "mistral-ai-research-license", "nvidia-open-model-license",
    "yi-license", "baichuan", "llama-2", "llama-3",
})


#: How restrictive each licence category is, least first: a derivative whose category ranks below
#: an ancestor's is looser than it (``licence_drift``). ``unknown`` has no rank and never drifts.
LICENSE_ORDER = ("permissive", "copyleft", "custom/restricted", "non-commercial")
#: Gating states (as text) that restrict access; a derivative with ``gated`` false below one
#: drifts (ungated). A missing state (no source said) never drifts.
GATED_STATES = ("auto", "manual", "true")


def license_category(license_id: str) -> str:
    """Where a licence sits on the openness spectrum; unlisted ids are ``unknown``."""
    for category, ids in (("permissive", PERMISSIVE), ("copyleft", COPYLEFT),
                          ("non-commercial", NON_COMMERCIAL),
                          ("custom/restricted", CUSTOM_RESTRICTED)):
        if license_id in ids:
            return category
    return "unknown"
