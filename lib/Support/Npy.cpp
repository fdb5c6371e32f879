//===- Npy.cpp - NumPy .npy/.npz files --------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Support/Npy.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CRC.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace llvm;
using namespace qmlir::npy;

namespace {
struct DTypeInfo {
  DType dtype;
  const char *descr;
  const char *name;
  size_t size;
};
} // namespace

static constexpr DTypeInfo kDTypes[] = {
    {DType::F16, "<f2", "float16", 2}, {DType::F32, "<f4", "float32", 4},
    {DType::F64, "<f8", "float64", 8}, {DType::I8, "|i1", "int8", 1},
    {DType::U8, "|u1", "uint8", 1},    {DType::I16, "<i2", "int16", 2},
    {DType::U16, "<u2", "uint16", 2},  {DType::I32, "<i4", "int32", 4},
    {DType::I64, "<i8", "int64", 8},   {DType::Bool, "|b1", "bool", 1},
};

static const DTypeInfo &info(DType dtype) {
  return *llvm::find_if(kDTypes,
                        [&](const DTypeInfo &i) { return i.dtype == dtype; });
}

StringRef qmlir::npy::name(DType dtype) { return info(dtype).name; }
StringRef qmlir::npy::descr(DType dtype) { return info(dtype).descr; }
size_t qmlir::npy::itemSize(DType dtype) { return info(dtype).size; }

int64_t Array::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::vector<float> Array::floats() const {
  int64_t n = numElements();
  std::vector<float> values(n);
  for (int64_t i = 0; i < n; ++i) {
    const char *p = data.data() + i * itemSize(dtype);
    switch (dtype) {
    case DType::F16: {
      uint16_t bits;
      std::memcpy(&bits, p, 2);
      values[i] =
          llvm::APFloat(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits))
              .convertToFloat();
      break;
    }
    case DType::F32:
      std::memcpy(&values[i], p, 4);
      break;
    case DType::F64: {
      double d;
      std::memcpy(&d, p, 8);
      values[i] = static_cast<float>(d);
      break;
    }
    default:
      llvm_unreachable("not a float array");
    }
  }
  return values;
}

static Error fail(StringRef path, const Twine &message) {
  return createStringError(inconvertibleErrorCode(), path + ": " + message);
}

static uint32_t readLE(StringRef bytes, size_t offset, size_t width) {
  uint32_t v = 0;
  for (size_t i = 0; i < width; ++i)
    v |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[offset + i]))
         << (8 * i);
  return v;
}

static uint64_t readLE64(StringRef bytes, size_t offset) {
  return readLE(bytes, offset, 4) |
         (static_cast<uint64_t>(readLE(bytes, offset + 4, 4)) << 32);
}

/// The value text of `key` in numpy's header dict, up to its delimiter.
static std::optional<StringRef> headerField(StringRef header, StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  return rest.ltrim();
}

/// Parses one .npy image; `where` names it in errors.
static Expected<Array> parseNpy(StringRef bytes, StringRef where) {
  if (!bytes.starts_with("\x93NUMPY") || bytes.size() < 10)
    return fail(where, "not a .npy file (bad magic)");
  unsigned major = static_cast<uint8_t>(bytes[6]);
  if (major < 1 || major > 3)
    return fail(where, "unsupported .npy version " + Twine(major));
  size_t lenWidth = major == 1 ? 2 : 4;
  size_t start = 8 + lenWidth;
  if (bytes.size() < start)
    return fail(where, "truncated header");
  size_t headerLen = readLE(bytes, 8, lenWidth);
  if (bytes.size() < start + headerLen)
    return fail(where, "truncated header");
  StringRef header = bytes.substr(start, headerLen);

  Array array;
  std::optional<StringRef> descr = headerField(header, "descr");
  if (!descr || descr->size() < 2 || !descr->starts_with("'"))
    return fail(where, "header has no dtype");
  StringRef d =
      descr->drop_front().take_until([](char c) { return c == '\''; });
  // '=' and '<' are the same on the little-endian hosts qmlir runs on.
  std::string normalized = d.str();
  if (!normalized.empty() && normalized[0] == '=')
    normalized[0] = normalized.size() == 3 && normalized[2] == '1' ? '|' : '<';
  if (normalized.size() == 3 && normalized[2] == '1' && normalized[0] == '<')
    normalized[0] = '|';
  const DTypeInfo *type = llvm::find_if(
      kDTypes, [&](const DTypeInfo &i) { return normalized == i.descr; });
  if (type == std::end(kDTypes))
    return fail(where, "unsupported dtype '" + d + "'");
  array.dtype = type->dtype;

  std::optional<StringRef> order = headerField(header, "fortran_order");
  if (!order)
    return fail(where, "header has no fortran_order");
  bool fortran = order->starts_with("True");

  std::optional<StringRef> shape = headerField(header, "shape");
  if (!shape || !shape->starts_with("("))
    return fail(where, "header has no shape");
  StringRef dims =
      shape->drop_front().take_until([](char c) { return c == ')'; });
  SmallVector<StringRef> parts;
  dims.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    int64_t dim;
    if (part.getAsInteger(10, dim) || dim < 0)
      return fail(where, "bad shape entry '" + part + "'");
    array.shape.push_back(dim);
  }
  if (fortran &&
      llvm::count_if(array.shape, [](int64_t s) { return s > 1; }) > 1)
    return fail(where, "Fortran-ordered arrays are not supported; save a "
                       "C-contiguous array (numpy.ascontiguousarray)");

  size_t bytesNeeded = array.numElements() * type->size;
  StringRef payload = bytes.drop_front(start + headerLen);
  if (payload.size() < bytesNeeded)
    return fail(where, "truncated data: expected " + Twine(bytesNeeded) +
                           " bytes, found " + Twine(payload.size()));
  array.data.assign(payload.begin(), payload.begin() + bytesNeeded);
  return array;
}

/// Whether [offset, offset + length) lies inside `size` bytes, without the
/// overflow a corrupt 64-bit offset would cause in `offset + length`.
static bool fits(uint64_t offset, uint64_t length, size_t size) {
  return offset <= size && length <= size - offset;
}

/// Members of a zip archive written by numpy.savez (stored, possibly zip64).
static Expected<std::vector<Array>> parseNpz(StringRef bytes, StringRef path) {
  // End of central directory: signature, then the directory's size/offset.
  if (bytes.size() < 22)
    return fail(path, "not a valid .npz (too short for a zip directory)");
  size_t eocd = StringRef::npos;
  for (size_t i = bytes.size() >= 22 ? bytes.size() - 22 : 0;; --i) {
    if (readLE(bytes, i, 4) == 0x06054b50) {
      eocd = i;
      break;
    }
    if (i == 0 || bytes.size() - i > 22 + 65535)
      break;
  }
  if (eocd == StringRef::npos)
    return fail(path, "not a valid .npz (no zip directory; truncated?)");
  uint64_t entries = readLE(bytes, eocd + 10, 2);
  uint64_t dirOffset = readLE(bytes, eocd + 16, 4);
  if (dirOffset == 0xFFFFFFFF) {
    // Zip64: the locator just before the EOCD points to the zip64 EOCD.
    if (eocd < 20 || readLE(bytes, eocd - 20, 4) != 0x07064b50)
      return fail(path, "bad zip64 directory");
    uint64_t z64 = readLE64(bytes, eocd - 20 + 8);
    if (!fits(z64, 56, bytes.size()) || readLE(bytes, z64, 4) != 0x06064b50)
      return fail(path, "bad zip64 directory");
    entries = readLE64(bytes, z64 + 32);
    dirOffset = readLE64(bytes, z64 + 48);
  }

  std::vector<Array> arrays;
  size_t at = dirOffset;
  for (uint64_t e = 0; e < entries; ++e) {
    if (!fits(at, 46, bytes.size()) || readLE(bytes, at, 4) != 0x02014b50)
      return fail(path, "corrupt zip directory");
    unsigned method = readLE(bytes, at + 10, 2);
    uint64_t csize = readLE(bytes, at + 20, 4);
    uint64_t usize = readLE(bytes, at + 24, 4);
    size_t nameLen = readLE(bytes, at + 28, 2);
    size_t extraLen = readLE(bytes, at + 30, 2);
    size_t commentLen = readLE(bytes, at + 32, 2);
    uint64_t local = readLE(bytes, at + 42, 4);
    if (!fits(at, 46 + nameLen + extraLen, bytes.size()))
      return fail(path, "corrupt zip directory");
    StringRef member = bytes.substr(at + 46, nameLen);
    // Zip64 extra field: 64-bit values for every 32-bit field set to ~0.
    StringRef extra = bytes.substr(at + 46 + nameLen, extraLen);
    for (size_t x = 0; x + 4 <= extra.size();) {
      unsigned id = readLE(extra, x, 2), len = readLE(extra, x + 2, 2);
      if (id == 0x0001) {
        size_t f = x + 4;
        if (usize == 0xFFFFFFFF && f + 8 <= extra.size())
          usize = readLE64(extra, f), f += 8;
        if (csize == 0xFFFFFFFF && f + 8 <= extra.size())
          csize = readLE64(extra, f), f += 8;
        if (local == 0xFFFFFFFF && f + 8 <= extra.size())
          local = readLE64(extra, f);
      }
      x += 4 + len;
    }
    if (method != 0)
      return fail(path, "member '" + member +
                            "' is compressed; write the archive with "
                            "numpy.savez, not numpy.savez_compressed");
    if (!fits(local, 30, bytes.size()) || readLE(bytes, local, 4) != 0x04034b50)
      return fail(path, "corrupt zip member '" + member + "'");
    size_t dataStart = local + 30 + readLE(bytes, local + 26, 2) +
                       readLE(bytes, local + 28, 2);
    if (!fits(dataStart, csize, bytes.size()) || csize != usize)
      return fail(path, "truncated member '" + member + "'");
    Expected<Array> array =
        parseNpy(bytes.substr(dataStart, csize), (path + ":" + member).str());
    if (!array)
      return array.takeError();
    array->name = member.str();
    if (StringRef(array->name).ends_with(".npy"))
      array->name.resize(array->name.size() - 4);
    arrays.push_back(std::move(*array));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return arrays;
}

Expected<std::vector<Array>> qmlir::npy::readFile(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(path, buffer.getError().message());
  return readBuffer((*buffer)->getBuffer(), path);
}

Expected<std::vector<Array>> qmlir::npy::readBuffer(StringRef bytes,
                                                    StringRef path) {
  if (bytes.starts_with("PK"))
    return parseNpz(bytes, path);
  Expected<Array> array = parseNpy(bytes, path);
  if (!array)
    return array.takeError();
  std::vector<Array> arrays;
  arrays.push_back(std::move(*array));
  return arrays;
}

/// The .npy image of one array (format 1.0, header padded to 64 bytes).
static std::string npyImage(const Array &array) {
  // Python tuple syntax: (), (3,), (3, 4).
  std::string shape = "(";
  for (auto [i, d] : llvm::enumerate(array.shape))
    shape += (i ? ", " : "") + std::to_string(d);
  if (array.shape.size() == 1)
    shape += ",";
  shape += ")";
  std::string header = std::string("{'descr': '") + info(array.dtype).descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string image = "\x93NUMPY";
  image += '\x01';
  image += '\x00';
  image += static_cast<char>(header.size() & 0xff);
  image += static_cast<char>(header.size() >> 8);
  image += header;
  image.append(array.data.begin(), array.data.end());
  return image;
}

static void writeLE(raw_ostream &os, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; ++i)
    os << static_cast<char>((v >> (8 * i)) & 0xff);
}

/// A stored zip archive of .npy members (no compression, no zip64).
static std::string npzImage(const std::vector<Array> &arrays) {
  std::string out;
  raw_string_ostream os(out);
  std::string directory;
  raw_string_ostream dir(directory);
  for (auto [i, array] : llvm::enumerate(arrays)) {
    std::string member =
        (array.name.empty() ? "arr_" + std::to_string(i) : array.name) + ".npy";
    std::string image = npyImage(array);
    uint32_t crc = llvm::crc32(arrayRefFromStringRef(image));
    uint64_t offset = out.size();
    writeLE(os, 0x04034b50, 4);
    writeLE(os, 20, 2); // version needed
    writeLE(os, 0, 2);  // flags
    writeLE(os, 0, 2);  // stored
    writeLE(os, 0, 4);  // time, date
    writeLE(os, crc, 4);
    writeLE(os, image.size(), 4);
    writeLE(os, image.size(), 4);
    writeLE(os, member.size(), 2);
    writeLE(os, 0, 2);
    os << member << image;

    writeLE(dir, 0x02014b50, 4);
    writeLE(dir, 20, 2); // made by
    writeLE(dir, 20, 2); // needed
    writeLE(dir, 0, 2);
    writeLE(dir, 0, 2);
    writeLE(dir, 0, 4);
    writeLE(dir, crc, 4);
    writeLE(dir, image.size(), 4);
    writeLE(dir, image.size(), 4);
    writeLE(dir, member.size(), 2);
    writeLE(dir, 0, 2); // extra
    writeLE(dir, 0, 2); // comment
    writeLE(dir, 0, 2); // disk
    writeLE(dir, 0, 2); // internal attributes
    writeLE(dir, 0, 4); // external attributes
    writeLE(dir, offset, 4);
    dir << member;
  }
  uint64_t dirOffset = out.size();
  os << directory;
  writeLE(os, 0x06054b50, 4);
  writeLE(os, 0, 4);
  writeLE(os, arrays.size(), 2);
  writeLE(os, arrays.size(), 2);
  writeLE(os, directory.size(), 4);
  writeLE(os, dirOffset, 4);
  writeLE(os, 0, 2);
  return out;
}

Error qmlir::npy::writeFile(StringRef path, const std::vector<Array> &arrays) {
  bool npz = path.ends_with(".npz");
  if (!npz && arrays.size() != 1)
    return fail(path, "a .npy file holds one array; use .npz for " +
                          Twine(arrays.size()));
  std::string image = npz ? npzImage(arrays) : npyImage(arrays.front());
  std::string temp = (path + ".partial").str();
  {
    std::error_code ec;
    raw_fd_ostream os(temp, ec, sys::fs::OF_None);
    if (ec)
      return fail(path, ec.message());
    os << image;
    os.close();
    if (os.has_error()) {
      os.clear_error();
      sys::fs::remove(temp);
      return fail(path, "write failed");
    }
  }
  if (std::error_code ec = sys::fs::rename(temp, path)) {
    sys::fs::remove(temp);
    return fail(path, ec.message());
  }
  return Error::success();
}
