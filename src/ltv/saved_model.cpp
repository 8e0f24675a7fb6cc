// Reading the JSON of a saved model (see include/accountkpi/ltv/saved_model.hpp): a small recursive-descent
// reader that keeps "model", "params" and "convergence.converged" and skips every other value.
#include "accountkpi/ltv/saved_model.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string>

#include "ltv_detail.hpp"

namespace accountkpi::ltv {
namespace {

class Reader {
  public:
    explicit Reader(std::string_view text) : s_(text) {}

    SavedModel read() {
        SavedModel out;
        bool has_model = false, has_params = false;
        expect('{');
        if (!consume('}')) {
            do {
                const std::string key = string();
                expect(':');
                if (key == "model") {
                    out.model = string();
                    has_model = true;
                } else if (key == "params") {
                    params(out);
                    has_params = true;
                } else if (key == "convergence") {
                    convergence(out);
                } else {
                    skip();
                }
            } while (consume(','));
            expect('}');
        }
        space();
        if (i_ != s_.size()) fail("end of the text");
        if (!has_model) detail::fail("parse_saved_model", "no \"model\" member");
        if (!has_params) detail::fail("parse_saved_model", "no \"params\" member");
        return out;
    }

  private:
    std::string_view s_;
    std::size_t i_ = 0;

    [[noreturn]] void fail(std::string_view expected) const {
        detail::fail("parse_saved_model",
                     "expected " + std::string(expected) + " at byte " + std::to_string(i_));
    }
    void space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }
    bool consume(char c) {
        space();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!consume(c)) fail(std::string("'") + c + "'");
    }
    bool literal(std::string_view word) {
        space();
        if (s_.substr(i_, word.size()) != word) return false;
        i_ += word.size();
        return true;
    }

    std::string string() {
        expect('"');
        std::string out;
        while (i_ < s_.size() && s_[i_] != '"') {
            char c = s_[i_++];
            if (c == '\\') {
                if (i_ >= s_.size()) break;
                c = s_[i_++];
                switch (c) {
                    case 'n':
                        c = '\n';
                        break;
                    case 't':
                        c = '\t';
                        break;
                    case 'r':
                        c = '\r';
                        break;
                    case 'b':
                        c = '\b';
                        break;
                    case 'f':
                        c = '\f';
                        break;
                    case 'u':  // kept as '?': names of models and parameters are ASCII
                        i_ += 4;
                        c = '?';
                        break;
                    default:
                        break;  // '"', '\\', '/'
                }
            }
            out.push_back(c);
        }
        if (i_ >= s_.size()) fail("the end of a string");
        ++i_;
        return out;
    }

    double number() {
        if (literal("NaN")) return std::numeric_limits<double>::quiet_NaN();
        if (literal("Infinity")) return std::numeric_limits<double>::infinity();
        if (literal("-Infinity")) return -std::numeric_limits<double>::infinity();
        space();
        const std::size_t start = i_;
        while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' ||
                                  s_[i_] == '+' || s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E'))
            ++i_;
        const std::string text(s_.substr(start, i_ - start));
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size()) {
            i_ = start;
            fail("a number");
        }
        return v;
    }

    void params(SavedModel& out) {
        expect('{');
        if (consume('}')) return;
        do {
            std::string name = string();
            expect(':');
            out.params.emplace_back(std::move(name), number());
        } while (consume(','));
        expect('}');
    }

    void convergence(SavedModel& out) {
        expect('{');
        if (consume('}')) return;
        do {
            const std::string key = string();
            expect(':');
            if (key == "converged") {
                if (literal("true"))
                    out.converged = true;
                else if (literal("false"))
                    out.converged = false;
                else
                    fail("true or false");
            } else {
                skip();
            }
        } while (consume(','));
        expect('}');
    }

    /// Skips one JSON value of any kind.
    void skip() {
        space();
        if (i_ >= s_.size()) fail("a value");
        const char c = s_[i_];
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            ++i_;
            if (consume(close)) return;
            do {
                if (c == '{') {
                    string();
                    expect(':');
                }
                skip();
            } while (consume(','));
            expect(close);
        } else if (!literal("true") && !literal("false") && !literal("null")) {
            number();
        }
    }
};

const SavedModel& require_model(const SavedModel& saved, std::string_view what,
                                std::initializer_list<std::string_view> models) {
    for (const std::string_view m : models)
        if (saved.model == m) return saved;
    detail::fail(what, "the saved model is a \"" + saved.model + "\"");
}

}  // namespace

double SavedModel::parameter(std::string_view name) const {
    for (const auto& [key, value] : params)
        if (key == name) return value;
    detail::fail("SavedModel::parameter", "the saved " + model + " has no parameter " + std::string(name));
}

SavedModel parse_saved_model(std::string_view json) {
    return Reader(json).read();
}

SavedModel load_saved_model(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) detail::fail("load_saved_model", "cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return parse_saved_model(text.str());
}

BgNbdParams to_bgnbd_params(const SavedModel& saved) {
    const SavedModel& s = require_model(saved, "to_bgnbd_params", {"BetaGeoFitter", "ModifiedBetaGeoFitter"});
    return {s.parameter("r"), s.parameter("alpha"), s.parameter("a"), s.parameter("b")};
}

ParetoNbdParams to_pareto_nbd_params(const SavedModel& saved) {
    const SavedModel& s = require_model(saved, "to_pareto_nbd_params", {"ParetoNBDFitter"});
    return {s.parameter("r"), s.parameter("alpha"), s.parameter("s"), s.parameter("beta")};
}

GammaGammaParams to_gamma_gamma_params(const SavedModel& saved) {
    const SavedModel& s = require_model(saved, "to_gamma_gamma_params", {"GammaGammaFitter"});
    return {s.parameter("p"), s.parameter("q"), s.parameter("v")};
}

BgBbParams to_bgbb_params(const SavedModel& saved) {
    const SavedModel& s = require_model(saved, "to_bgbb_params", {"BetaGeoBetaBinomFitter"});
    return {s.parameter("alpha"), s.parameter("beta"), s.parameter("gamma"), s.parameter("delta")};
}

SbgParams to_sbg_params(const SavedModel& saved) {
    const SavedModel& s = require_model(saved, "to_sbg_params", {"ShiftedBetaGeoFitter"});
    return {s.parameter("alpha"), s.parameter("beta")};
}

}  // namespace accountkpi::ltv
