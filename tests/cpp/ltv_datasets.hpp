#pragma once
// Readers of the CDNOW files for the lifetime-value tests: the copies shipped with the Python package
// (python/accountkpi/datasets/data, ACCOUNTKPI_DATASETS_DIR set by CMake), read in place.
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace accountkpi::test {

/// The numeric columns of a small CSV file with one header line, column by column.
inline std::vector<std::vector<double>> read_csv_columns(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::string line;
    std::getline(in, line);
    std::vector<std::vector<double>> columns;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::stringstream row(line);
        std::string cell;
        std::size_t c = 0;
        while (std::getline(row, cell, ',')) {
            if (columns.size() <= c) columns.emplace_back();
            columns[c++].push_back(std::stod(cell));
        }
    }
    return columns;
}

inline std::string dataset_path(const std::string& name) {
    return std::string(ACCOUNTKPI_DATASETS_DIR) + "/" + name;
}

/// CDNOW calibration summary (FHL 2005): columns ID, x, t_x, T (weeks), zbar (mean repeat spend).
struct Cdnow {
    std::vector<double> frequency, recency, T, monetary_value;
};

inline Cdnow cdnow() {
    auto c = read_csv_columns(dataset_path("cdnow_customers_summary_with_transactions.csv"));
    return {c.at(1), c.at(2), c.at(3), c.at(4)};
}

}  // namespace accountkpi::test
