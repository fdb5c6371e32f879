//===- PassOptions.cpp - Parsers of the enum pass options -------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

QMLIR_DEFINE_ENUM_OPTION_PARSER(qmlir::qnn::ActivationType)
QMLIR_DEFINE_ENUM_OPTION_PARSER(qmlir::qnn::ActivationScheme)
QMLIR_DEFINE_ENUM_OPTION_PARSER(qmlir::qnn::WeightGranularity)
QMLIR_DEFINE_ENUM_OPTION_PARSER(qmlir::qnn::RoundingMode)
