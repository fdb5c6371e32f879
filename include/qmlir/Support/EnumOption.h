//===- EnumOption.h - Errors that list an enum option's values --*- C++ -*-===//
//
// Part of the qmlir project.
//
// LLVM's enum option parser answers an unknown value with "Cannot find option
// named 'x'!". Specializing `llvm::cl::parser<T>::parse` with
// QMLIR_DECLARE_ENUM_OPTION_PARSER / QMLIR_DEFINE_ENUM_OPTION_PARSER makes
// every option of type T, on the command line or in a pass pipeline, name
// the values it takes instead.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_SUPPORT_ENUMOPTION_H
#define QMLIR_SUPPORT_ENUMOPTION_H

#include "llvm/Support/CommandLine.h"

namespace qmlir {

/// Sets `value` to the value named `arg` in `parser`, or reports an error
/// listing the names; returns true on error, as cl parsers do.
template <typename T>
bool parseEnumOption(llvm::cl::parser<T> &parser, llvm::cl::Option &option,
                     llvm::StringRef arg, T &value) {
  unsigned index = parser.findOption(arg);
  if (index != parser.getNumOptions()) {
    value = static_cast<const llvm::cl::OptionValue<T> &>(
                parser.getOptionValue(index))
                .getValue();
    return false;
  }
  std::string names;
  for (unsigned i = 0, e = parser.getNumOptions(); i < e; ++i)
    names += (i ? ", " : "") + parser.getOption(i).str();
  return option.error("'" + arg + "' is not one of " + names);
}

} // namespace qmlir

#define QMLIR_DECLARE_ENUM_OPTION_PARSER(T)                                    \
  template <>                                                                  \
  bool llvm::cl::parser<T>::parse(llvm::cl::Option &, llvm::StringRef,         \
                                  llvm::StringRef, T &);

#define QMLIR_DEFINE_ENUM_OPTION_PARSER(T)                                     \
  template <>                                                                  \
  bool llvm::cl::parser<T>::parse(llvm::cl::Option &option, llvm::StringRef,   \
                                  llvm::StringRef arg, T &value) {             \
    return qmlir::parseEnumOption(*this, option, arg, value);                  \
  }

#endif // QMLIR_SUPPORT_ENUMOPTION_H
