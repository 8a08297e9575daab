// Image datasets for the image models: IDX files (Fashion-MNIST from Debian's
// dataset-fashion-mnist), folders of PNG/JPEG/BMP/TGA (sub-folders = classes), Twemoji from the
// npm package emoji-datasource-twitter; single images in and PNGs out. Loads run on the
// caller's thread (a worker: a full set takes seconds) and never throw on bad input: every
// failure is an Error or a counted skip. Uses LibTorch: not for ui/.
#pragma once

#include <torch/torch.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace ss::data {

struct ImageLoadOptions {
  // 0 = native size; else size×size: centre-cropped to square, then an area (box) filter.
  int size = 0;
  // 0 = native (1 for IDX and grey folders, 3 for colour folders and Twemoji), 1 = grey
  // (luma 0.299 R + 0.587 G + 0.114 B), 3 = RGB (grey replicated).
  int channels = 0;
  // 0 = all; else the first N loaded, in a fixed order (sorted paths, file order).
  int64_t limit = 0;
  // What images with alpha are composited over, RGB in [0, 1].
  std::array<float, 3> background{1.f, 1.f, 1.f};
  // Optional; called on the loading thread about every 1% with the fraction done.
  std::function<void(double fraction)> progress;
  // Optional; when it turns true the load stops and returns Error{"cancelled"}.
  const std::atomic<bool>* cancel = nullptr;
};

struct ImageDataset {
  std::string name;                     // "fashion-mnist (train)", "twemoji", "folder /path"
  torch::Tensor images;                 // [N, C, H, W] float32 in [0, 1], CPU, contiguous
  torch::Tensor labels;                 // [N] int64 in [0, classNames.size()), or undefined
  std::vector<std::string> classNames;  // index = label; empty when unlabelled
  int64_t skipped = 0;                  // files that could not be decoded
  std::vector<std::string> errors;      // the first (at most 5) "path: reason" of the skipped

  int64_t size() const { return images.defined() ? images.size(0) : 0; }
  // "fashion-mnist (train): 60000 images, 1×28×28, 10 classes[, skipped 3 (first: …)]"
  std::string summary() const;
};

// IDX files, gzip-compressed or plain: images with magic 0x00000803 (uint8 N×rows×cols) and
// optionally labels with magic 0x00000801 (uint8 N). Labels must be < classNames.size() when
// names are given; without names the classes are called "0", "1", ….
Expected<ImageDataset> loadIdx(const std::string& imagesPath, const std::string& labelsPath,
                               const ImageLoadOptions& opt,
                               std::vector<std::string> classNames = {});

// The Fashion-MNIST class names, by label.
const std::vector<std::string>& fashionMnistClasses();
// dir: "" = $SCORESCOPE_FASHION_MNIST, else /usr/share/datasets/fashion-mnist.
Expected<ImageDataset> loadFashionMnist(bool train, const ImageLoadOptions& opt,
                                        const std::string& dir = "");

// A folder of images. If sub-folders hold images, each is a class (sorted names = labels)
// and top-level images are ignored; otherwise the images are unlabelled. Files and folders
// whose names start with '.' and files without an image extension are ignored; images that
// fail to decode are skipped and counted. With opt.size == 0 every image takes the first's
// size (others are centre-cropped to its aspect and area-resized); with opt.channels == 0
// the first image decides (1 when grey, else 3).
Expected<ImageDataset> loadImageFolder(const std::string& dir, const ImageLoadOptions& opt);

// $XDG_CACHE_HOME/scorescope/emoji-datasource-twitter, or ~/.cache/scorescope/… (scripts/deps
// fetches it there).
std::string twemojiDir();
// The PNGs of <dir>/img/twitter/64/ listed in <dir>/emoji.json (skin-tone variations
// included, with their base emoji's category), labelled by category (sorted names), in file
// name order. Defaults: size 32, 3 channels. dir: "" = $SCORESCOPE_TWEMOJI, else twemojiDir().
Expected<ImageDataset> loadTwemoji(const ImageLoadOptions& opt, const std::string& dir = "");

// "fashion-mnist" (= train), "fashion-mnist:train", "fashion-mnist:test", "twemoji",
// "folder:PATH", or the path of an existing directory.
bool isImageDatasetSpec(const std::string& spec);
Expected<ImageDataset> loadImageDataset(const std::string& spec, const ImageLoadOptions& opt);

// ---- single images ------------------------------------------------------------------------

// One image file as [C, H, W] float32 in [0, 1]; size and channels as in ImageLoadOptions
// (0 = native); alpha composited over background.
Expected<torch::Tensor> readImage(const std::string& path, int size, int channels,
                                  std::array<float, 3> background = {1.f, 1.f, 1.f});

// Area (box-filter) resize of [..., H, W] to [..., outH, outW]: the source is first
// centre-cropped to the target's aspect ratio, then each output pixel is the exact mean of
// the source area it covers (fractional pixels weighted by their overlap). Float32 or 64.
torch::Tensor resizeArea(const torch::Tensor& images, int64_t outH, int64_t outW);

// [N, C, H, W] → [C, H, W] with C ∈ {1, 3}: grey by luma, RGB by replicating grey.
torch::Tensor convertChannels(const torch::Tensor& images, int channels);

// [N, C, H, W] → one [C, H', W'] grid of min(cols, N) columns, pad pixels of padValue around
// and between the tiles (row-major, like torchvision's make_grid).
torch::Tensor imageGrid(const torch::Tensor& images, int cols, int pad = 2, float padValue = 1.f);

// Writes [C, H, W] (C = 1, 3 or 4; values clamped to [0, 1], NaN as 0) as an 8-bit PNG,
// atomically: a "path.tmp" file renamed over path. true on success.
Expected<bool> writePng(const std::string& path, const torch::Tensor& image);

}  // namespace ss::data
