// Checked reading of a checkpoint's tensor records. A record is only used after its name,
// dtype, shape and length were checked against what the description's network expects:
// a record whose shape differs, or whose bytes are fewer than its declared shape needs (a
// record cut short), is refused with a message naming the record, before any raw read.
// Also the weights' content hash (CRC-32 of every parameter's and buffer's bytes) written
// at save and compared at load. Uses LibTorch: not for ui/.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "core/common/error.h"

namespace ss::train {

// Whether `t` is a dense tensor whose elements all lie inside its storage's bytes.
// `name` names the record in the message.
Status checkRecordBounds(const torch::Tensor& t, const std::string& name);

// Whether `t` has `expected`'s dtype and shape and lies inside its storage.
Status checkRecordLike(const torch::Tensor& t, const torch::Tensor& expected,
                       const std::string& name);

// Whether every tensor of `archive` (read from the file `path`) has a record in the file
// holding all the bytes its storage declares. LibTorch sizes a storage by the description
// in the archive, not by its record's length, so a record cut short would otherwise be
// read past its end. Each distinct storage must find a data record of exactly its size.
Status checkRecordLengths(const std::string& path, torch::serialize::InputArchive& archive);

// Reads every parameter and buffer of `module` from `archive` (the layout Module::save
// writes), each checked as above against the module's own before it is copied in; the
// module keeps its own storage. `prefix` names records in errors ("ema", then
// "ema.hidden0.weight"). On an error the module may hold some records and not others.
Status loadModuleChecked(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                         const std::string& prefix);

// CRC-32 over the bytes of every parameter and buffer of `a`, then of `b` (in their named
// order), as 8 hex digits.
std::string weightsHash(const torch::nn::Module& a, const torch::nn::Module& b);

}  // namespace ss::train
