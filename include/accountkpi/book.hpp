#pragma once
/// \file
/// The Book and how to build it: input tables, the schema, validation problems.

#include "accountkpi/book/array.hpp"         // IWYU pragma: export
#include "accountkpi/book/book.hpp"          // IWYU pragma: export
#include "accountkpi/book/builder.hpp"       // IWYU pragma: export
#include "accountkpi/book/errors.hpp"        // IWYU pragma: export
#include "accountkpi/book/ids.hpp"           // IWYU pragma: export
#include "accountkpi/book/lookup.hpp"        // IWYU pragma: export
#include "accountkpi/book/org.hpp"           // IWYU pragma: export
#include "accountkpi/book/rows.hpp"          // IWYU pragma: export
#include "accountkpi/book/schema.hpp"        // IWYU pragma: export
#include "accountkpi/book/table.hpp"         // IWYU pragma: export
#include "accountkpi/book/transactions.hpp"  // IWYU pragma: export
