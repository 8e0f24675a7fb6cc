#pragma once
// Private helpers of the builder (src/book/builder.cpp, src/book/append.cpp): the client spells derived from
// revenue, each account's sightings, and the Book of a Book's events followed by appended ones. One
// definition for a build and an append, so that an append gives the Book a build of both inputs gives.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "accountkpi/book/book.hpp"

namespace accountkpi::detail {

/// A client spell as the builder collects them.
struct Spell {
    std::int32_t account;
    Date begin;
    Date end;
    std::uint8_t derived;
    std::int64_t row;  // input row of accounts for given spells
};

/// Client spells derived from revenue lines walked in date order: a spell starts at a line with a positive
/// amount and goes on while the next such line comes less than `gap` days later; it ends `gap` days after
/// its last line.
class SpellWalk {
  public:
    SpellWalk(std::size_t accounts, Date::rep gap);
    /// Goes on with `s`, its account's last derived spell, as the open one.
    void resume(const Spell& s);
    /// Walks the lines `from` to the end of `rev` (in date order), skipping accounts with `given` spells;
    /// each spell closed is added to `out`.
    void walk(const RevenueTable& rev, std::size_t from, const std::vector<std::uint8_t>& given,
              std::vector<Spell>& out);
    /// Adds the open spells to `out`, by account.
    void finish(std::vector<Spell>& out);

  private:
    /// An account's open spell: its first and latest line's dates (null: none open). Side by side, so that
    /// a line reads one place of memory for its account, not two.
    struct Open {
        Date begin = Date::null(), last = Date::null();
    };
    Date::rep gap_;
    std::vector<Open> open_;
};

/// The table of `spells` (each account's in begin order, accounts in any order), sorted by account then
/// begin: a stable counting sort by account.
[[nodiscard]] SpellTable spell_table(const std::vector<Spell>& spells, std::size_t accounts);

/// Widens each account's first and last sighting (`SightingTable`) by the dated rows of `data`.
void see_events(SightingTable& seen, const BookData& data);

/// The data of `base` with the event tables of `added` (rows of `base`'s accounts, projects and managers,
/// owners set, each table in date order) appended: each event table in date order as a build of both
/// inputs orders it (`base`'s rows first among equal dates), the spells derived from revenue and the
/// sightings as that build derives them. Event rows dated at or after `base`'s last one are appended at the
/// end and only their accounts' spells walked on; earlier ones are merged and the derived spells walked
/// again from the first line. The tables the append leaves unchanged (those of the dimensions, the event
/// tables without appended rows, the spells without revenue appended) are `base`'s own, shared.
[[nodiscard]] std::shared_ptr<BookData> appended(const BookData& base, BookData&& added);

}  // namespace accountkpi::detail
