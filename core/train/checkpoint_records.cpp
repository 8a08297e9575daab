#include "core/train/checkpoint_records.h"

#include <caffe2/serialize/inline_container.h>
#include <zlib.h>

#include <map>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace ss::train {

namespace {

std::string shapeOf(c10::IntArrayRef sizes) {
  std::ostringstream s;
  s << sizes;
  return s.str();
}

std::string join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

// Reads `key` of `archive` into `out` (a fresh tensor: the archive's own, unchecked).
Status readRecord(torch::serialize::InputArchive& archive, const std::string& key,
                  torch::Tensor& out, bool isBuffer, const std::string& name) {
  try {
    if (!archive.try_read(key, out, isBuffer) || !out.defined())
      return Error{"record '" + name + "' is missing"};
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Error{"record '" + name + "' cannot be read (" + what.substr(0, what.find('\n')) + ")"};
  }
  return Ok{};
}

Status loadTensors(const torch::OrderedDict<std::string, torch::Tensor>& own,
                   torch::serialize::InputArchive& archive, bool isBuffer,
                   const std::string& prefix) {
  torch::NoGradGuard noGrad;
  for (const auto& item : own) {
    const std::string name = join(prefix, item.key());
    torch::Tensor read;
    if (auto ok = readRecord(archive, item.key(), read, isBuffer, name); !ok) return ok;
    if (auto ok = checkRecordLike(read, item.value(), name); !ok) return ok;
    item.value().copy_(read);
  }
  return Ok{};
}

// Every tensor under `archive`, depth first, with its dotted name.
void collectTensors(torch::serialize::InputArchive& archive, const std::string& prefix,
                    std::vector<std::pair<std::string, torch::Tensor>>& out) {
  for (const auto& key : archive.keys()) {
    const std::string name = join(prefix, key);
    try {
      torch::serialize::InputArchive sub;
      if (archive.try_read(key, sub)) {
        collectTensors(sub, name, out);
        continue;
      }
      torch::Tensor t;
      if (archive.try_read(key, t) && t.defined()) out.emplace_back(name, t);
    } catch (const std::exception&) {
      // Not a tensor nor an archive: a plain value.
    }
  }
}

}  // namespace

Status checkRecordLengths(const std::string& path, torch::serialize::InputArchive& archive) {
  std::map<size_t, int> held;  // the data records' lengths
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    for (const auto& name : reader.getAllRecords())
      if (name.rfind("data/", 0) == 0) ++held[std::get<1>(reader.getRecord(name))];
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Error{"the records cannot be listed (" + what.substr(0, what.find('\n')) + ")"};
  }
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  collectTensors(archive, "", tensors);
  std::map<const void*, bool> seen;  // storages shared by views count once
  for (const auto& [name, t] : tensors) {
    if (!t.has_storage() || t.storage().nbytes() == 0) continue;
    if (!seen.emplace(t.storage().data(), true).second) continue;
    const size_t declared = t.storage().nbytes();
    if (auto it = held.find(declared); it != held.end() && it->second > 0) {
      --it->second;
      continue;
    }
    return Error{"record '" + name + "' is cut short: its data needs " + std::to_string(declared) +
                 " bytes, no record in the file holds that many"};
  }
  return Ok{};
}

Status checkRecordBounds(const torch::Tensor& t, const std::string& name) {
  if (!t.defined()) return Error{"record '" + name + "' is missing"};
  if (t.layout() != torch::kStrided || !t.has_storage())
    return Error{"record '" + name + "' is not a dense tensor"};
  if (t.numel() == 0) return Ok{};
  int64_t last = t.storage_offset();  // the furthest element, in elements
  if (last < 0) return Error{"record '" + name + "' has a negative offset"};
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.stride(d) < 0) return Error{"record '" + name + "' has a negative stride"};
    last += (t.size(d) - 1) * t.stride(d);
  }
  const auto needed = static_cast<uint64_t>(last + 1) * t.element_size();
  const auto held = static_cast<uint64_t>(t.storage().nbytes());
  if (needed > held)
    return Error{"record '" + name + "' is cut short: its shape " + shapeOf(t.sizes()) + " needs " +
                 std::to_string(needed) + " bytes, it holds " + std::to_string(held)};
  return Ok{};
}

Status checkRecordLike(const torch::Tensor& t, const torch::Tensor& expected,
                       const std::string& name) {
  if (!t.defined()) return Error{"record '" + name + "' is missing"};
  if (t.scalar_type() != expected.scalar_type())
    return Error{"record '" + name + "' holds " + std::string(c10::toString(t.scalar_type())) +
                 ", the description's network needs " +
                 std::string(c10::toString(expected.scalar_type()))};
  if (!t.sizes().equals(expected.sizes()))
    return Error{"record '" + name + "' has shape " + shapeOf(t.sizes()) +
                 ", the description's network needs " + shapeOf(expected.sizes())};
  return checkRecordBounds(t, name);
}

Status loadModuleChecked(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                         const std::string& prefix) {
  if (auto ok = loadTensors(module.named_parameters(/*recurse=*/false), archive, false, prefix);
      !ok)
    return ok;
  if (auto ok = loadTensors(module.named_buffers(/*recurse=*/false), archive, true, prefix); !ok)
    return ok;
  for (const auto& child : module.named_children()) {
    const std::string name = join(prefix, child.key());
    torch::serialize::InputArchive sub;
    bool found = false;
    try {
      found = archive.try_read(child.key(), sub);
    } catch (const std::exception&) {
      found = false;
    }
    if (!found) return Error{"record '" + name + "' is missing"};
    if (auto ok = loadModuleChecked(*child.value(), sub, name); !ok) return ok;
  }
  return Ok{};
}

std::string weightsHash(const torch::nn::Module& a, const torch::nn::Module& b) {
  uLong crc = crc32(0L, Z_NULL, 0);
  auto add = [&crc](const torch::Tensor& t) {
    const auto c = t.detach().to(torch::kCPU).contiguous();
    const auto* p = static_cast<const Bytef*>(c.data_ptr());
    size_t left = c.numel() * c.element_size();
    while (left > 0) {
      const auto n = static_cast<uInt>(std::min<size_t>(left, 1u << 30));
      crc = crc32(crc, p, n);
      p += n;
      left -= n;
    }
  };
  for (const auto* m : {&a, &b}) {
    for (const auto& t : m->parameters()) add(t);
    for (const auto& t : m->buffers()) add(t);
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08lx", static_cast<unsigned long>(crc & 0xffffffffUL));
  return buf;
}

}  // namespace ss::train
