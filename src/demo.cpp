// The demo book: a synthetic IT-services company whose every number comes from a seeded generator.
#include "accountkpi/demo.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "accountkpi/book/builder.hpp"
#include "accountkpi/detail/random.hpp"

namespace accountkpi::demo {
namespace {

using detail::Random;

constexpr double avg_month_days = 30.436875;

double cents(double x) {
    return std::round(x * 100.0) / 100.0;
}

/// A text column from codes into categories (-1 = missing), without hashing every row.
Column coded(std::vector<std::int64_t> codes, std::vector<std::string> categories) {
    auto owned = std::make_shared<const std::vector<std::int64_t>>(std::move(codes));
    return Column::texts(std::span<const std::int64_t>(*owned), std::move(categories), owned);
}

std::string numbered(std::string_view prefix, int i, int width) {
    std::string digits = std::to_string(i);
    if (static_cast<int>(digits.size()) < width)
        digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
    return std::string(prefix) + digits;
}

/// The demo company's organisation (issue 15): the owner over a head of sales and a head of accounting. The
/// sales department holds the closers and one farmer (the last revenue-portfolio one); the account-management
/// unit, under the head of accounting, the other farmers; a client unit, reporting to the owner, serves the
/// largest client that has a farmer of its own (a single-client farmer, who sits there).
struct Organisation {
    std::vector<std::int64_t> reports_to, unit;  // per manager: a manager code, a unit code; -1 when none
    std::vector<std::int64_t> heads;             // the owner, the head of sales, the head of accounting
    std::vector<std::string> unit_id, unit_name;
    std::vector<std::int64_t> unit_kind, unit_head, unit_account;  // codes, -1 when none

    /// The `units` table; `account` is the id of the client unit's account.
    [[nodiscard]] Table units(const std::vector<std::string>& manager_id, const std::string& account) const {
        std::vector<std::int64_t> codes(unit_id.size());
        for (std::size_t k = 0; k < codes.size(); ++k) codes[k] = static_cast<std::int64_t>(k);
        std::vector<std::int64_t> account_code(unit_account.size(), -1);
        for (std::size_t k = 0; k < account_code.size(); ++k) {
            if (unit_account[k] >= 0) account_code[k] = 0;
        }
        Table t;
        t.add("unit_id", coded(codes, unit_id));
        t.add("name", coded(codes, unit_name));
        t.add("kind", coded(unit_kind, {"sales_department", "account_management", "client_unit"}));
        t.add("head_id", coded(unit_head, manager_id));
        t.add("account_id", coded(std::move(account_code), {account}));
        return t;
    }
};

/// Appends the three heads to the managers' columns and places everyone (see `Organisation`); `owned[f]`
/// are farmer `f`'s accounts, `size` the accounts' sizes.
Organisation organisation(std::vector<std::string>& manager_id, std::vector<std::string>& manager_name,
                          std::vector<std::int64_t>& manager_role, std::vector<std::int64_t>& manager_tier,
                          int farmers, const std::vector<int>& single, const std::vector<int>& revenue_mgr,
                          const std::vector<std::vector<int>>& owned, const std::vector<double>& size) {
    Organisation org;
    const auto first_head = static_cast<std::int64_t>(manager_id.size());
    const std::int64_t owner = first_head, head_of_sales = first_head + 1,
                       head_of_accounting = first_head + 2;
    for (const auto& [id, name] : {std::pair{"H01", "Owner"}, std::pair{"H02", "Head of sales"},
                                   std::pair{"H03", "Head of accounting"}}) {
        manager_id.emplace_back(id);
        manager_name.emplace_back(name);
        manager_role.push_back(2);  // head
        manager_tier.push_back(-1);
    }
    org.heads = {owner, head_of_sales, head_of_accounting};
    enum : std::int64_t { sales, accounting, client };
    org.unit_id = {"U-SALES", "U-AM"};
    org.unit_name = {"Sales department", "Account management"};
    org.unit_kind = {0, 1};
    org.unit_head = {head_of_sales, head_of_accounting};
    org.unit_account = {-1, -1};
    // The client unit's farmer: the single-client farmer with the largest account (none in a demo too small
    // for any single-client farmer to have an account: then no client unit).
    int dedicated = -1;
    for (int f : single) {
        const auto& mine = owned[static_cast<std::size_t>(f)];
        if (!mine.empty() &&
            (dedicated < 0 ||
             size[static_cast<std::size_t>(mine.front())] >
                 size[static_cast<std::size_t>(owned[static_cast<std::size_t>(dedicated)].front())]))
            dedicated = f;
    }
    if (dedicated >= 0) {
        org.unit_id.emplace_back("U-CLIENT");
        org.unit_name.emplace_back("Client unit");
        org.unit_kind.push_back(2);
        org.unit_head.push_back(owner);
        org.unit_account.push_back(owned[static_cast<std::size_t>(dedicated)].front());
    }
    const int sales_farmer = revenue_mgr.back();
    const std::size_t n = manager_id.size();
    org.reports_to.assign(n, -1);
    org.unit.assign(n, -1);
    for (std::size_t m = 0; m < static_cast<std::size_t>(first_head); ++m) {
        const bool closer = static_cast<int>(m) >= farmers;
        if (closer || static_cast<int>(m) == sales_farmer) {
            org.reports_to[m] = head_of_sales;
            org.unit[m] = sales;
        } else if (static_cast<int>(m) == dedicated) {
            org.reports_to[m] = owner;
            org.unit[m] = client;
        } else {
            org.reports_to[m] = head_of_accounting;
            org.unit[m] = accounting;
        }
    }
    org.reports_to[static_cast<std::size_t>(head_of_sales)] = owner;
    org.reports_to[static_cast<std::size_t>(head_of_accounting)] = owner;
    org.unit[static_cast<std::size_t>(head_of_sales)] = sales;
    org.unit[static_cast<std::size_t>(head_of_accounting)] = accounting;
    return org;
}

/// Revenue targets of the heads: the sum of the revenue targets (KPI code 0) of everyone below them, for each
/// period a member has one.
void add_head_targets(const Organisation& org, std::vector<std::int64_t>& manager,
                      std::vector<std::int64_t>& kpi, std::vector<std::int64_t>& begin,
                      std::vector<std::int64_t>& end, std::vector<double>& target) {
    const std::size_t rows = manager.size();
    for (std::int64_t head : org.heads) {
        std::vector<std::pair<std::pair<std::int64_t, std::int64_t>, double>> sums;  // (begin, end) -> sum
        for (std::size_t i = 0; i < rows; ++i) {
            if (kpi[i] != 0) continue;
            bool below = false;
            for (std::int64_t up = org.reports_to[static_cast<std::size_t>(manager[i])]; up >= 0 && !below;
                 up = org.reports_to[static_cast<std::size_t>(up)])
                below = up == head;
            if (!below) continue;
            const std::pair key{begin[i], end[i]};
            auto it = std::find_if(sums.begin(), sums.end(), [&](const auto& s) { return s.first == key; });
            if (it == sums.end()) {
                sums.emplace_back(key, 0.0);
                it = sums.end() - 1;
            }
            it->second += target[i];
        }
        for (const auto& [period, sum] : sums) {
            manager.push_back(head);
            kpi.push_back(0);
            begin.push_back(period.first);
            end.push_back(period.second);
            target.push_back(sum);
        }
    }
}

struct SpellDates {
    Date begin;
    Date end;  // Date::max() while open
};

/// Days until a request is answered (-1: never), for a client well served or neglected (`ChurnReasons`).
int response_days(Random& r, bool neglected) {
    const double u = r.uniform(), unanswered = neglected ? 0.3 : 0.05, late = neglected ? 0.4 : 0.25;
    if (u < unanswered) return -1;
    return u < unanswered + late ? r.integer(3, 15) : r.integer(0, 2);
}

/// What a client got from the company in one month: the signals its decision to stay reacts to.
struct ServiceMonth {
    int touches = 0;
    int late = 0;  ///< requests answered more than 2 days after they came
    int unanswered = 0;
    int survey = 0;  ///< the month's last survey answer: -1 dissatisfied, +1 not, 0 none
};

/// The service a client remembers when it decides whether to stay: its last three months.
class ServiceMemory {
  public:
    void remember(const ServiceMonth& m) noexcept {
        months_[2] = months_[1];
        months_[1] = months_[0];
        months_[0] = m;
        seen_ = std::min(seen_ + 1, 3);
        if (m.survey != 0) {
            unhappy_months_ = m.survey < 0 ? 6 : 0;
        } else if (unhappy_months_ > 0) {
            --unhappy_months_;
        }
    }
    /// The log of the factor on the chance of leaving now (see `ChurnReasons`).
    [[nodiscard]] double log_hazard_ratio(const ChurnReasons& r) const noexcept {
        int unanswered = 0, late = 0;
        for (int k = 0; k < seen_; ++k) {
            unanswered += months_[static_cast<std::size_t>(k)].unanswered;
            late += months_[static_cast<std::size_t>(k)].late;
        }
        const bool silent = seen_ >= 2 && months_[0].touches + months_[1].touches <= 1;
        return r.unanswered * std::min(unanswered, 3) + r.late * std::min(late, 3) +
               (unhappy_months_ > 0 ? r.unhappy : 0.0) + (silent ? r.silence : 0.0);
    }

  private:
    std::array<ServiceMonth, 3> months_{};
    int seen_ = 0;
    int unhappy_months_ = 0;
};

void check_options(const Options& o) {
    if (o.accounts < 1 || o.years < 1 || o.lines_per_month < 1 || o.managers < 0 || o.closers < 0 ||
        (o.managers > 0 && o.managers < 3)) {
        throw std::invalid_argument(
            "demo options: accounts, years and lines_per_month must be at least 1, managers 0 (automatic) or "
            "at "
            "least 3 (one per tier), closers at least 0");
    }
    const ChurnReasons& why = o.churn;
    const auto probability = [](double p) { return p >= 0 && p <= 1; };
    const auto strength = [](double s) { return std::isfinite(s) && s >= 0; };
    if (!probability(why.base) || !probability(why.neglect) || !probability(why.recovery) ||
        !strength(why.unanswered) || !strength(why.late) || !strength(why.unhappy) ||
        !strength(why.silence)) {
        throw std::invalid_argument(
            "demo options: churn base, neglect and recovery must be chances in [0, 1], the strengths finite "
            "and >= 0");
    }
}

/// A column of days, owning them.
Column dates(std::vector<std::int64_t> d) {
    auto owned_days = std::make_shared<const std::vector<std::int64_t>>(std::move(d));
    return Column::dates(std::span<const std::int64_t>(*owned_days), owned_days);
}

/// Account ids as a user would give them (1000 + index; -1 stays missing).
std::vector<std::int64_t> account_ids(const std::vector<std::int64_t>& idx) {
    std::vector<std::int64_t> out(idx.size());
    for (std::size_t k = 0; k < idx.size(); ++k) out[k] = idx[k] < 0 ? -1 : 1000 + idx[k];
    return out;
}

/// The demo company as it is drawn: the columns of each table, filled step by step. The steps draw from one
/// shared stream (`rng`) in a fixed order, and from streams of their own (each account's service, the NPS
/// pulses, the steady retainers), so the same options always give the same tables.
struct DemoCompany {
    explicit DemoCompany(const Options& options)
        : o(options),
          why(options.churn),
          rng(options.seed * 0x2545F4914F6CDD1DULL + 17),
          pulse(options.seed * 0x9E3779B97F4A7C15ULL + 29),
          steady(options.seed * 0xD1B54A32D192ED03ULL + 31),
          start(options.start_year, 1, 1),
          end(options.start_year + options.years, 1, 1),
          n(options.accounts),
          farmers(options.managers > 0 ? options.managers : std::max(6, n / 25)),
          closers(options.closers > 0 ? options.closers : std::max(2, n / 60)),
          window_days(end - start),
          window_months(12 * static_cast<std::size_t>(options.years)) {}

    /// Every table, drawn.
    std::vector<std::pair<std::string, Table>> tables() {
        draw_managers();
        draw_accounts();
        draw_assignments();
        draw_projects();
        draw_pulses();
        draw_retainers();
        draw_targets();
        return assemble();
    }

    // Managers: farmers of the three tiers, then closers.
    void draw_managers() {
        const int n_single = std::max(1, farmers * 3 / 10), n_revenue = std::max(1, farmers * 3 / 10);
        for (int f = 0; f < farmers; ++f) {
            manager_id.push_back(numbered("F", f + 1, 2));
            manager_name.push_back("Farmer " + std::to_string(f + 1));
            manager_role.push_back(0);
            const int tier = f < n_single ? 0 : f < farmers - n_revenue ? 1 : 2;
            manager_tier.push_back(tier);
            (tier == 0 ? single : tier == 1 ? portfolio : revenue_mgr).push_back(f);
        }
        for (int c = 0; c < closers; ++c) {
            manager_id.push_back(numbered("C", c + 1, 2));
            manager_name.push_back("Closer " + std::to_string(c + 1));
            manager_role.push_back(1);
            manager_tier.push_back(-1);
        }
    }

    // Accounts, their spells and the service they get.
    void draw_accounts() {
        const auto un = static_cast<std::size_t>(n);
        acc_region.assign(un, 0);
        acc_domain.assign(un, 0);
        size.assign(un, 0.0);
        spells.assign(un, {});
        parent.assign(un, -1);
        neglected_in.assign(un * window_months, false);
        const std::uint64_t streams = rng.next();
        for (int i = 0; i < n; ++i) {
            const auto ui = static_cast<std::size_t>(i);
            double u = rng.uniform();
            std::size_t r = 0;
            while (r + 1 < regions.size() && u >= region_weight[r]) u -= region_weight[r++];
            acc_region[ui] = static_cast<std::int64_t>(r);
            acc_domain[ui] = rng.integer(0, static_cast<int>(domains.size()) - 1);
            size[ui] = rng.lognormal(0.0, 0.9);
            const bool existing = rng.chance(0.55);
            Date begin = existing ? start - rng.integer(30, 1500) : start + rng.integer(0, window_days - 60);
            Random service(streams + 2 * static_cast<std::uint64_t>(i)),
                when(streams + 2 * static_cast<std::uint64_t>(i) + 1);
            for (int spell = 0; spell < 2; ++spell) {
                const Date churn = serve_spell(ui, begin, service, when);
                spells[ui].push_back({begin, churn});
                if (churn == Date::max()) break;
                const Date again = churn + service.integer(60, 400);
                if (spell == 1 || !service.chance(0.25) || !(again < end - 30)) break;
                begin = again;
            }
            if (i > 10 && rng.chance(0.05)) parent[ui] = rng.integer(0, i - 1);
        }
    }

    /// A spell of account `a` from `begin`, month by month until the client leaves (returned) or the window
    /// closes (Date::max()): each month the client may slip into or out of neglect, may leave
    /// (`ChurnReasons`), and is served while it is a client in mid-month.
    Date serve_spell(std::size_t a, Date begin, Random& service, Random& when) {
        const double base = why.base / std::pow(size[a], 0.3);
        const Date from = std::max(begin, start);
        bool neglected = service.chance(why.neglect / std::max(1e-12, why.neglect + why.recovery));
        ServiceMemory memory;
        for (int m = (from.year() - o.start_year) * 12 + static_cast<int>(from.month()) - 1; m < 12 * o.years;
             ++m) {
            const Period month = Period::month(o.start_year + m / 12, static_cast<unsigned>(m % 12 + 1));
            neglected = neglected ? !service.chance(why.recovery) : service.chance(why.neglect);
            Date churn = Date::max();
            if (!(month.begin() < begin + 31) &&
                service.chance(std::min(0.5, base * std::exp(memory.log_hazard_ratio(why)))))
                churn = month.begin() + service.integer(0, month.days() - 1);
            const Date mid = month.begin() + 14;
            if (begin <= mid && mid < churn) {
                neglected_in[a * window_months + static_cast<std::size_t>(m)] = neglected;
                memory.remember(serve_month(a, m, neglected, service, when));
            }
            if (churn != Date::max()) return churn;
        }
        return Date::max();
    }

    /// Communications, requests and surveys of account `a` in month `m` of the window, drawn with the
    /// account's own two generators (`service` for what happens, `when` for the days, drawn only when the
    /// events are kept), so that the other tables are the same with or without them.
    ServiceMonth serve_month(std::size_t a, int m, bool neglected, Random& service, Random& when) {
        const Period month = Period::month(o.start_year + m / 12, static_cast<unsigned>(m % 12 + 1));
        const auto day = [&](int last) { return month.begin() + when.integer(0, last); };
        const double activity = std::sqrt(size[a]), attention = neglected ? 0.2 : 1.0;
        ServiceMonth got;
        const int counts[] = {service.poisson(2.0 * activity * attention),
                              service.poisson(0.8 * activity * attention),
                              service.poisson(0.3 * activity * attention)};
        for (std::int64_t ch = 0; ch < 3; ++ch) {
            got.touches += counts[ch];
            for (int k = 0; o.events && k < counts[ch]; ++k) {
                ia_account.push_back(static_cast<std::int64_t>(a));
                ia_date.push_back(day(month.days() - 1).days());
                ia_channel.push_back(ch);
            }
        }
        for (int k = service.poisson(0.35 * activity); k > 0; --k) {
            const int days = response_days(service, neglected);
            got.unanswered += days < 0;
            got.late += days > 2;
            if (o.events) record_request(a, day(month.days() - 1), days, -1);
        }
        const auto survey = [&](std::int64_t kind, double score) {
            got.survey = score <= (kind == 0 ? 2 : 6) ? -1 : 1;
            if (!o.events) return;
            sv_account.push_back(static_cast<std::int64_t>(a));
            sv_date.push_back(day(27).days());
            sv_kind.push_back(kind);
            sv_score.push_back(score);
        };
        if (m % 3 == 2 && service.chance(0.35)) {
            const double s = service.uniform() * (neglected ? 0.55 : 1.0);
            survey(0, s < 0.05 ? 1 : s < 0.12 ? 2 : s < 0.28 ? 3 : s < 0.65 ? 4 : 5);
        }
        if (m % 12 == 10 && service.chance(0.5))
            survey(1, std::clamp(std::round(service.normal(neglected ? 5.6 : 7.6, 2.0)), 0.0, 10.0));
        return got;
    }

    void record_request(std::size_t a, Date received, int days, std::int64_t project) {
        rq_account.push_back(static_cast<std::int64_t>(a));
        rq_received.push_back(received.days());
        rq_responded.push_back(days < 0 ? Column::nat : (received + days).days());
        rq_project.push_back(project);
    }

    [[nodiscard]] bool client_on(std::size_t a, Date d) const {
        for (const auto& s : spells[a]) {
            if (s.begin <= d && d < s.end) return true;
        }
        return false;
    }

    int pick(const std::vector<int>& pool) {
        return pool[static_cast<std::size_t>(rng.integer(0, static_cast<int>(pool.size()) - 1))];
    }

    // Who owns each account: single-client farmers one mid-size account each, portfolio farmers the smaller
    // accounts, revenue-portfolio farmers the larger; new accounts start with a closer for 90 days; one
    // account in ten changes farmer once.
    void draw_assignments() {
        std::vector<double> sorted_size(size);
        std::sort(sorted_size.begin(), sorted_size.end());
        const double median_size = sorted_size[sorted_size.size() / 2];
        std::size_t next_single = 0;
        owned.assign(static_cast<std::size_t>(farmers), {});
        for (int i = 0; i < n; ++i) {
            const auto ui = static_cast<std::size_t>(i);
            int farmer;
            if (next_single < single.size() && size[ui] > median_size * 0.8 && rng.chance(0.3)) {
                farmer = single[next_single++];
            } else {
                farmer = size[ui] < median_size ? pick(portfolio) : pick(revenue_mgr);
            }
            const Date acquired = spells[ui].front().begin;
            Date farmer_from = acquired;
            if (!(acquired < start)) {
                assign(farmers + rng.integer(0, closers - 1), i, acquired, (acquired + 90).days());
                farmer_from = acquired + 90;
            }
            if (rng.chance(0.1) && single.end() == std::find(single.begin(), single.end(), farmer)) {
                const Date handover = start + rng.integer(60, window_days - 60);
                if (farmer_from < handover) {
                    assign(farmer, i, farmer_from, handover.days());
                    farmer = size[ui] < median_size ? pick(portfolio) : pick(revenue_mgr);
                    farmer_from = handover;
                }
            }
            assign(farmer, i, farmer_from, Column::nat);
            owned[static_cast<std::size_t>(farmer)].push_back(i);
        }
    }

    void assign(std::int64_t manager, int account, Date from, std::int64_t until) {
        as_manager.push_back(manager);
        as_account.push_back(account);
        as_start.push_back(from.days());
        as_end.push_back(until);
    }

    // Projects, their revenue, and the requests some of them came from.
    void draw_projects() {
        for (int i = 0; i < n; ++i) {
            const auto ui = static_cast<std::size_t>(i);
            std::vector<int> lines_bought;
            for (std::size_t s = 0; s < spells[ui].size(); ++s) draw_spell_projects(i, s, lines_bought);
        }
    }

    /// The projects of spell `s` of account `i` (`lines_bought`: the service lines it has bought so far).
    void draw_spell_projects(int i, std::size_t s, std::vector<int>& lines_bought) {
        const auto ui = static_cast<std::size_t>(i);
        const auto& spell = spells[ui][s];
        const Date from = std::max(spell.begin, start - 365);
        const Date to = std::min(spell.end, end);
        const bool new_here = !(spell.begin < start - 365);
        Date signed_on = new_here ? spell.begin : from + static_cast<Date::rep>(rng.exponential(120.0));
        bool first = true;
        while (signed_on < to) {
            ProjectKind kind;
            if (first && new_here && s == 0) {
                kind = ProjectKind::new_business;
            } else {
                const double k = rng.uniform();
                kind = k < 0.4    ? ProjectKind::upsell
                       : k < 0.65 ? ProjectKind::cross_sell
                                  : ProjectKind::renewal;
            }
            if (lines_bought.empty() && kind != ProjectKind::new_business) kind = ProjectKind::cross_sell;
            if (lines_bought.size() == service_lines.size() && kind == ProjectKind::cross_sell)
                kind = ProjectKind::upsell;
            const int line = service_line(kind, lines_bought);
            draw_project(i, kind, line, signed_on);
            first = false;
            signed_on = signed_on + static_cast<Date::rep>(
                                        rng.exponential(avg_month_days * 8 / std::sqrt(size[ui] + 0.5)));
        }
    }

    /// The service line of a project of `kind`: a new one for a cross-sell or new business (any, once the
    /// client buys them all), else one it buys already.
    int service_line(ProjectKind kind, std::vector<int>& lines_bought) {
        int line;
        if (kind == ProjectKind::cross_sell || kind == ProjectKind::new_business) {
            do {
                line = rng.integer(0, static_cast<int>(service_lines.size()) - 1);
            } while (lines_bought.size() < service_lines.size() &&
                     std::find(lines_bought.begin(), lines_bought.end(), line) != lines_bought.end());
            if (std::find(lines_bought.begin(), lines_bought.end(), line) == lines_bought.end())
                lines_bought.push_back(line);
        } else {
            line = lines_bought[static_cast<std::size_t>(
                rng.integer(0, static_cast<int>(lines_bought.size()) - 1))];
        }
        return line;
    }

    /// A project of account `i` signed on `signed_on`, the request it may have come from, and its revenue.
    void draw_project(int i, ProjectKind kind, int line, Date signed_on) {
        const auto ui = static_cast<std::size_t>(i);
        const double base = 9000.0 * size[ui];  // typical monthly spend
        const double b = rng.uniform();
        const Billing billing = b < 0.3    ? Billing::fixed
                                : b < 0.6  ? Billing::hour
                                : b < 0.85 ? Billing::day
                                           : Billing::month;
        const int months = rng.integer(2, 12);
        const double value = cents(base * months * rng.lognormal(0.0, 0.35) * 0.5);
        const Date p_start = signed_on + rng.integer(0, 21);
        const Date p_end = p_start + static_cast<Date::rep>(months * avg_month_days);
        const auto project = static_cast<std::int64_t>(pr_id.size());
        pr_id.push_back(100000 + project);
        pr_account.push_back(i);
        pr_line.push_back(line);
        pr_kind.push_back(static_cast<std::int64_t>(kind) - 1);
        pr_signed.push_back(signed_on.days());
        pr_start.push_back(p_start.days());
        pr_end.push_back(p_end.days());
        pr_billing.push_back(static_cast<std::int64_t>(billing) - 1);
        pr_value.push_back(value);
        if ((kind == ProjectKind::upsell || kind == ProjectKind::cross_sell) && rng.chance(0.3) &&
            start + 30 < signed_on) {
            const Date received = signed_on - rng.integer(5, 30);
            record_request(ui, received, response_days(rng, false), project);
        }
        draw_project_revenue(i, billing, months, value, p_start);
    }

    /// Monthly revenue of the last project drawn while it runs, the account is a client and the window is
    /// open; now and then a credit note.
    void draw_project_revenue(int i, Billing billing, int months, double value, Date p_start) {
        const auto ui = static_cast<std::size_t>(i);
        const double margin = rng.normal(0.32, 0.12);
        const double rate = billing == Billing::hour ? rng.uniform(70, 160) : rng.uniform(600, 1200);
        const double monthly = value / months;
        for (int m = 0; m < months; ++m) {
            const Date month_begin = p_start + static_cast<Date::rep>(m * avg_month_days);
            if (!(month_begin < end) || !client_on(ui, month_begin)) break;
            if (month_begin < start) continue;
            for (int l = 0; l < o.lines_per_month; ++l) {
                const Date d = std::min(month_begin + rng.integer(0, 27), end - 1);
                const double share = monthly / o.lines_per_month * rng.uniform(0.85, 1.15);
                double units = std::nan(""), amount = share;
                if (billing == Billing::hour || billing == Billing::day) {
                    units = std::round(share / rate * 4) / 4;
                    amount = units * rate;
                } else if (billing == Billing::month) {
                    units = 1.0 / o.lines_per_month;
                }
                amount = cents(amount);
                add_line(i, d, amount, cents(amount * (1 - margin)), units,
                         billing == Billing::fixed ? -1 : static_cast<std::int64_t>(billing) - 2);
                if (rng.chance(0.004)) {  // a credit note
                    const Date on = std::min(d + rng.integer(5, 40), end - 1);
                    add_line(i, on, -cents(amount * rng.uniform(0.1, 1.0)), 0.0, std::nan(""), -1);
                }
            }
        }
    }

    /// A revenue line of account `i` on the last project drawn.
    void add_line(int i, Date d, double amount, double cost, double units, std::int64_t unit) {
        rv_account.push_back(i);
        rv_project.push_back(pr_id.back());
        rv_date.push_back(d.days());
        rv_amount.push_back(amount);
        rv_cost.push_back(cost);
        rv_units.push_back(units);
        rv_unit.push_back(unit);
    }

    // Quarterly NPS pulses (a stream of their own, so the events above stay as they were): every client of a
    // single-client farmer answers each quarter, other clients half the time, so NPS is defined for every
    // farmer in every quarter. A client answers as it is served, 2 points lower in a neglected month (as the
    // yearly survey); the pulses are not among the reasons it leaves (`ChurnReasons`).
    void draw_pulses() {
        single_owned.assign(static_cast<std::size_t>(n), false);
        for (int f = 0; f < farmers; ++f) {
            if (manager_tier[static_cast<std::size_t>(f)] != 0) continue;
            for (int a : owned[static_cast<std::size_t>(f)]) single_owned[static_cast<std::size_t>(a)] = true;
        }
        for (int i = 0; i < (o.events ? n : 0); ++i) {
            const auto ui = static_cast<std::size_t>(i);
            for (int m = 1; m < 12 * o.years; m += 3) {
                const Period month = Period::month(o.start_year + m / 12, static_cast<unsigned>(m % 12 + 1));
                if (!client_on(ui, month.begin() + 14) || !pulse.chance(single_owned[ui] ? 1.0 : 0.5))
                    continue;
                sv_account.push_back(i);
                sv_date.push_back((month.begin() + pulse.integer(0, 27)).days());
                sv_kind.push_back(1);
                const double mean =
                    neglected_in[ui * window_months + static_cast<std::size_t>(m)] ? 5.6 : 7.6;
                sv_score.push_back(std::clamp(std::round(pulse.normal(mean, 2.0)), 0.0, 10.0));
            }
        }
    }

    // A single-client farmer's one account also has, each quarter, a support retainer renewed quarter after
    // quarter (so a renewal is due and a project is signed in every quarter) and a request, so every goal of
    // the single-client scorecard is defined in every quarter.
    // Its own stream, drawn whether or not the event tables are made, so projects, revenue and targets are
    // the same either way.
    void draw_retainers() {
        for (int i = 0; i < n; ++i) {
            if (!single_owned[static_cast<std::size_t>(i)]) continue;
            for (int q = 0; q < 4 * o.years; ++q) draw_retainer(i, q);
        }
    }

    /// The retainer of account `i` in quarter `q` of the window (none when it is no client on the day).
    void draw_retainer(int i, int q) {
        const auto ui = static_cast<std::size_t>(i);
        const Period quarter = Period::quarter(o.start_year + q / 4, static_cast<unsigned>(q % 4 + 1));
        const Date signed_on = quarter.begin() + steady.integer(0, 20);
        if (!client_on(ui, signed_on)) return;
        const double value = cents(9000.0 * size[ui] * 0.3 * 3 * steady.uniform(0.9, 1.1));
        pr_id.push_back(100000 + static_cast<std::int64_t>(pr_id.size()));
        pr_account.push_back(i);
        pr_line.push_back(1);  // support
        pr_kind.push_back(static_cast<std::int64_t>(q == 0 ? ProjectKind::cross_sell : ProjectKind::renewal) -
                          1);
        pr_signed.push_back(signed_on.days());
        pr_start.push_back(signed_on.days());
        pr_end.push_back((signed_on + 91).days());
        pr_billing.push_back(static_cast<std::int64_t>(Billing::month) - 1);
        pr_value.push_back(value);
        for (int m = 0; m < 3; ++m) {
            const Date d = signed_on + static_cast<Date::rep>(m * avg_month_days);
            if (!(d < end) || !client_on(ui, d)) break;
            const double amount = cents(value / 3);
            add_line(i, d, amount, cents(amount * 0.65), 1.0, static_cast<std::int64_t>(Billing::month) - 2);
        }
        const Date received = quarter.begin() + steady.integer(25, 60);
        const int answer_days = steady.integer(0, 4);
        if (!o.events) return;
        rq_account.push_back(i);
        rq_received.push_back(received.days());
        rq_responded.push_back((received + answer_days).days());
        rq_project.push_back(-1);
    }

    // Yearly targets: revenue for every farmer (what their final accounts billed that year, times a stretch
    // of 0.9-1.25, so that attainment spreads around 1), one tier KPI, and the default goals without a
    // default target: gross profit for revenue-portfolio farmers (their accounts' gross profit that year
    // times a stretch), average project size for single-client farmers (their accounts' mean project
    // value over the years times a stretch). The stretches come from the steady stream.
    void draw_targets() {
        std::vector<int> final_farmer(static_cast<std::size_t>(n), -1);
        for (int f = 0; f < farmers; ++f) {
            for (int a : owned[static_cast<std::size_t>(f)]) final_farmer[static_cast<std::size_t>(a)] = f;
        }
        std::vector<double> billed(static_cast<std::size_t>(farmers) * static_cast<std::size_t>(o.years),
                                   0.0);
        std::vector<double> profit(billed.size(), 0.0);
        for (std::size_t k = 0; k < rv_account.size(); ++k) {
            const int f = final_farmer[static_cast<std::size_t>(rv_account[k])];
            const int y = Date{static_cast<Date::rep>(rv_date[k])}.year() - o.start_year;
            if (f >= 0 && y >= 0 && y < o.years) {
                const auto at = static_cast<std::size_t>(f) * static_cast<std::size_t>(o.years) +
                                static_cast<std::size_t>(y);
                billed[at] += rv_amount[k];
                profit[at] += rv_amount[k] - rv_cost[k];
            }
        }
        std::vector<double> project_value(static_cast<std::size_t>(farmers), 0.0);
        std::vector<int> project_count(static_cast<std::size_t>(farmers), 0);
        for (std::size_t k = 0; k < pr_account.size(); ++k) {
            const int f = final_farmer[static_cast<std::size_t>(pr_account[k])];
            if (f < 0) continue;
            project_value[static_cast<std::size_t>(f)] += pr_value[k];
            ++project_count[static_cast<std::size_t>(f)];
        }
        for (int f = 0; f < farmers; ++f) {
            for (int y = 0; y < o.years; ++y) {
                const Period year = Period::year(o.start_year + y);
                const double stretch = rng.uniform(0.9, 1.25);
                const auto fi = static_cast<std::size_t>(f);
                const auto at = fi * static_cast<std::size_t>(o.years) + static_cast<std::size_t>(y);
                add_target(f, 0, year, std::max(1000.0, std::round(billed[at] * stretch / 1000) * 1000));
                const auto tier = manager_tier[fi];
                if (tier != 2) add_target(f, tier == 0 ? 1 : 2, year, tier == 0 ? 30.0 : 0.9);
                if (tier == 2)
                    add_target(
                        f, 3, year,
                        std::max(1000.0, std::round(profit[at] * steady.uniform(0.9, 1.2) / 1000) * 1000));
                if (tier == 0 && project_count[fi] > 0) {
                    const double mean = project_value[fi] / project_count[fi];
                    add_target(f, 4, year,
                               std::max(1000.0, std::round(mean * steady.uniform(0.9, 1.2) / 1000) * 1000));
                }
            }
        }
    }

    void add_target(int f, int kpi, const Period& year, double target) {
        tg_manager.push_back(f);
        tg_kpi.push_back(kpi);
        tg_begin.push_back(year.begin().days());
        tg_end.push_back(year.end().days());
        tg_target.push_back(target);
    }

    // ---- the tables, as a user would hand them over: integer account and project ids, text manager ids

    std::vector<std::pair<std::string, Table>> assemble() {
        std::vector<std::pair<std::string, Table>> out;
        out.emplace_back("accounts", accounts_table());
        const Organisation org = organisation(manager_id, manager_name, manager_role, manager_tier, farmers,
                                              single, revenue_mgr, owned, size);
        out.emplace_back("managers", managers_table(org));
        const std::int64_t client = org.unit_account.back();
        out.emplace_back("units", org.units(manager_id, client >= 0 ? std::to_string(1000 + client) : ""));
        out.emplace_back("projects", projects_table());
        out.emplace_back("assignments", assignments_table());
        out.emplace_back("revenue", revenue_table());
        if (o.events) {
            out.emplace_back("interactions", interactions_table());
            out.emplace_back("requests", requests_table());
            out.emplace_back("surveys", surveys_table());
        }
        add_head_targets(org, tg_manager, tg_kpi, tg_begin, tg_end, tg_target);
        out.emplace_back("targets", targets_table());
        return out;
    }

    /// One row per spell.
    [[nodiscard]] Table accounts_table() const {
        std::vector<std::int64_t> id, region, domain, par, acquired, churned;
        std::vector<std::int64_t> name_code;
        std::vector<std::string> names;
        for (int i = 0; i < n; ++i) {
            const auto ui = static_cast<std::size_t>(i);
            names.push_back("Client " + numbered("", i + 1, 4));
            for (const auto& s : spells[ui]) {
                id.push_back(1000 + i);
                name_code.push_back(i);
                region.push_back(acc_region[ui]);
                domain.push_back(acc_domain[ui]);
                par.push_back(parent[ui]);
                acquired.push_back(s.begin.days());
                churned.push_back(s.end == Date::max() ? Column::nat : s.end.days());
            }
        }
        std::vector<std::string> parent_names;
        parent_names.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) parent_names.push_back(std::to_string(1000 + i));
        Table t;
        t.add("account_id", Column::integers(std::move(id)));
        t.add("name", coded(std::move(name_code), std::move(names)));
        t.add("region", coded(std::move(region), regions));
        t.add("domain", coded(std::move(domain), domains));
        t.add("parent_id", coded(std::move(par), std::move(parent_names)));
        t.add("acquired_on", dates(std::move(acquired)));
        t.add("churned_on", dates(std::move(churned)));
        return t;
    }

    [[nodiscard]] Table managers_table(const Organisation& org) {
        std::vector<std::int64_t> codes(manager_id.size());
        for (std::size_t k = 0; k < codes.size(); ++k) codes[k] = static_cast<std::int64_t>(k);
        Table t;
        t.add("manager_id", coded(codes, manager_id));
        t.add("name", coded(codes, manager_name));
        t.add("role", coded(std::move(manager_role), {"farmer", "closer", "head"}));
        t.add("tier",
              coded(std::move(manager_tier), {"single_client", "client_portfolio", "revenue_portfolio"}));
        t.add("reports_to", coded(org.reports_to, manager_id));
        t.add("unit_id", coded(org.unit, org.unit_id));
        return t;
    }

    [[nodiscard]] Table projects_table() {
        Table t;
        t.add("project_id", Column::integers(std::move(pr_id)));
        t.add("account_id", Column::integers(account_ids(pr_account)));
        t.add("service_line", coded(std::move(pr_line), service_lines));
        t.add("kind", coded(std::move(pr_kind), {"new", "upsell", "cross_sell", "renewal"}));
        t.add("signed_on", dates(std::move(pr_signed)));
        t.add("start", dates(std::move(pr_start)));
        t.add("end", dates(std::move(pr_end)));
        t.add("value", Column::numbers(std::move(pr_value)));
        t.add("billing", coded(std::move(pr_billing), {"fixed", "hour", "day", "month"}));
        return t;
    }

    [[nodiscard]] Table assignments_table() {
        Table t;
        t.add("manager_id", coded(std::move(as_manager), manager_id));
        t.add("account_id", Column::integers(account_ids(as_account)));
        t.add("start", dates(std::move(as_start)));
        t.add("end", dates(std::move(as_end)));
        return t;
    }

    [[nodiscard]] Table revenue_table() {
        Table t;
        t.add("account_id", Column::integers(account_ids(rv_account)));
        t.add("project_id", Column::integers(std::move(rv_project)));
        t.add("date", dates(std::move(rv_date)));
        t.add("amount", Column::numbers(std::move(rv_amount)));
        t.add("cost", Column::numbers(std::move(rv_cost)));
        t.add("units", Column::numbers(std::move(rv_units)));
        t.add("unit", coded(std::move(rv_unit), {"hour", "day", "month"}));
        return t;
    }

    [[nodiscard]] Table interactions_table() {
        Table t;
        t.add("account_id", Column::integers(account_ids(ia_account)));
        t.add("date", dates(std::move(ia_date)));
        t.add("channel", coded(std::move(ia_channel), {"email", "call", "meeting"}));
        return t;
    }

    [[nodiscard]] Table requests_table() {
        std::vector<std::int64_t> project_codes(rq_project.size());
        std::vector<std::string> project_names;
        for (std::size_t k = 0; k < rq_project.size(); ++k) {
            project_codes[k] = rq_project[k] < 0 ? -1 : static_cast<std::int64_t>(project_names.size());
            if (rq_project[k] >= 0) project_names.push_back(std::to_string(100000 + rq_project[k]));
        }
        Table t;
        t.add("account_id", Column::integers(account_ids(rq_account)));
        t.add("received_on", dates(std::move(rq_received)));
        t.add("responded_on", dates(std::move(rq_responded)));
        t.add("project_id", coded(std::move(project_codes), std::move(project_names)));
        return t;
    }

    [[nodiscard]] Table surveys_table() {
        Table t;
        t.add("account_id", Column::integers(account_ids(sv_account)));
        t.add("date", dates(std::move(sv_date)));
        t.add("kind", coded(std::move(sv_kind), {"csat", "nps", "ces"}));
        t.add("score", Column::numbers(std::move(sv_score)));
        return t;
    }

    [[nodiscard]] Table targets_table() {
        const std::vector<std::string> kpis{"revenue", "nps", "retention_rate", "gross_profit",
                                            "avg_project_size"};
        Table t;
        t.add("manager_id", coded(std::move(tg_manager), manager_id));
        t.add("kpi", coded(std::move(tg_kpi), kpis));
        t.add("begin", dates(std::move(tg_begin)));
        t.add("end", dates(std::move(tg_end)));
        t.add("target", Column::numbers(std::move(tg_target)));
        return t;
    }

    const Options& o;
    const ChurnReasons& why;
    Random rng, pulse, steady;  // the shared stream; the NPS pulses'; the retainers' and targets' stretches
    const Date start, end;      // the window
    const int n, farmers, closers;
    const int window_days;
    const std::size_t window_months;

    const std::vector<std::string> regions{"EMEA", "North America", "APAC", "LATAM"};
    static constexpr std::array<double, 4> region_weight{0.4, 0.3, 0.2, 0.1};
    const std::vector<std::string> domains{"finance",       "healthcare",    "retail",
                                           "manufacturing", "public sector", "telecom"};
    const std::vector<std::string> service_lines{"development", "support", "consulting", "cloud", "data"};

    std::vector<std::string> manager_id, manager_name;
    std::vector<std::int64_t> manager_role, manager_tier;
    std::vector<int> single, portfolio, revenue_mgr;  // the farmers of each tier

    std::vector<std::int64_t> acc_region, acc_domain, parent;
    std::vector<double> size;
    std::vector<std::vector<SpellDates>> spells;
    std::vector<bool> neglected_in;  // which client months were neglected (account × month of the window)

    std::vector<std::int64_t> ia_account, ia_date, ia_channel;
    std::vector<std::int64_t> sv_account, sv_date, sv_kind;
    std::vector<double> sv_score;
    std::vector<std::int64_t> rq_account, rq_received, rq_responded, rq_project;

    std::vector<std::int64_t> as_manager, as_account, as_start, as_end;
    std::vector<std::vector<int>> owned;  // each farmer's accounts
    std::vector<bool> single_owned;       // each account: whether a single-client farmer owns it

    std::vector<std::int64_t> pr_id, pr_account, pr_line, pr_kind, pr_signed, pr_start, pr_end, pr_billing;
    std::vector<double> pr_value;
    std::vector<std::int64_t> rv_account, rv_project, rv_date, rv_unit;
    std::vector<double> rv_amount, rv_cost, rv_units;

    std::vector<std::int64_t> tg_manager, tg_kpi, tg_begin, tg_end;
    std::vector<double> tg_target;
};

}  // namespace

std::vector<std::pair<std::string, Table>> tables(const Options& o) {
    check_options(o);
    return DemoCompany(o).tables();
}

Book book(const Options& options) {
    BookBuilder builder;
    for (auto& [name, table] : tables(options)) builder.add(name, std::move(table));
    return builder.build();
}

}  // namespace accountkpi::demo
