// handecode: runs capture files through the core's deframer and decoder.
//   handecode FILE...            one JSON line per frame: make, list and the classic document
//   handecode --bench RUNS FILE  median decode time per frame for each make, as JSON lines
// Capture lines are "<time or ->\t<HEX>" or bare hex; lines starting with # are skipped.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "cosem.h"
#include "hdlc.h"
#include "output.h"
#include "text.h"

namespace {

using Bytes = std::vector<uint8_t>;

bool parse_hex(const std::string& text, Bytes& out) {
    if (text.size() % 2 != 0) return false;
    out.clear();
    for (size_t i = 0; i < text.size(); i += 2) {
        char* end = nullptr;
        const std::string pair = text.substr(i, 2);
        const long value = std::strtol(pair.c_str(), &end, 16);
        if (*end != '\0') return false;
        out.push_back(static_cast<uint8_t>(value));
    }
    return true;
}

bool read_frames(const char* path, std::vector<Bytes>& frames) {
    std::ifstream file(path);
    if (!file) {
        std::fprintf(stderr, "handecode: cannot read %s; give a capture file\n", path);
        return false;
    }
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty() || line[0] == '#') continue;
        const size_t tab = line.find('\t');
        Bytes frame;
        if (!parse_hex(tab == std::string::npos ? line : line.substr(tab + 1), frame)) {
            std::fprintf(stderr, "handecode: %s: not a hex frame line: %.40s\n", path, line.c_str());
            return false;
        }
        frames.push_back(frame);
    }
    return true;
}

// Deframes and decodes one frame; false when either step refused it.
bool decode(const Bytes& bytes, han::HdlcDeframer& deframer, han::PushDecoder& decoder, han::Reading& reading) {
    bool decoded = false;
    for (uint8_t byte : bytes) {
        if (!deframer.push(byte)) continue;
        const han::HdlcFrame& frame = deframer.frame();
        decoded = decoder.decode(frame.info, frame.info_length, reading) == han::DecodeStatus::Ok;
    }
    deframer.next();
    return decoded;
}

// The make's name, copied out of the core's flash table for printf.
std::string make_text(han::Make make) {
    han::FixedText<16> name;
    name.add(han::make_name(make));
    return name.c_str();
}

int print_frames(const std::vector<Bytes>& frames) {
    han::HdlcDeframer deframer;
    han::PushDecoder decoder;
    han::Reading reading;
    han::FixedText<han::kClassicDocumentCapacity> document;
    for (const Bytes& frame : frames) {
        if (!decode(frame, deframer, decoder, reading)) {
            std::printf("{\"error\":\"not decoded\"}\n");
            continue;
        }
        document.clear();
        han::write_classic_json(reading, han::DeviceState{}, document);
        std::printf("{\"make\":\"%s\",\"list\":%u,\"doc\":%s}\n", make_text(reading.make).c_str(),
                    static_cast<unsigned>(reading.list), document.c_str());
    }
    return 0;
}

int bench(const std::vector<Bytes>& frames, int runs) {
    han::HdlcDeframer deframer;
    han::PushDecoder decoder;
    han::Reading reading;
    const han::Make makes[] = {han::Make::Kaifa, han::Make::Kamstrup, han::Make::Aidon};
    for (han::Make make : makes) {
        std::vector<const Bytes*> own;
        for (const Bytes& frame : frames) {
            if (decode(frame, deframer, decoder, reading) && reading.make == make) own.push_back(&frame);
        }
        if (own.empty()) continue;
        std::vector<double> per_frame;
        for (int run = 0; run < runs; ++run) {
            const auto start = std::chrono::steady_clock::now();
            for (const Bytes* frame : own) decode(*frame, deframer, decoder, reading);
            const std::chrono::duration<double, std::nano> spent = std::chrono::steady_clock::now() - start;
            per_frame.push_back(spent.count() / static_cast<double>(own.size()));
        }
        std::sort(per_frame.begin(), per_frame.end());
        std::printf("{\"make\":\"%s\",\"frames\":%zu,\"runs\":%d,\"median_ns_per_frame\":%.1f}\n",
                    make_text(make).c_str(), own.size(), runs, per_frame[per_frame.size() / 2]);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 0, first = 1;
    if (argc > 2 && std::strcmp(argv[1], "--bench") == 0) {
        runs = std::atoi(argv[2]);
        first = 3;
        if (runs < 1) {
            std::fprintf(stderr, "handecode: --bench needs a run count of 1 or more, not %s\n", argv[2]);
            return 2;
        }
    }
    if (first >= argc) {
        std::fprintf(stderr, "usage: handecode [--bench RUNS] CAPTURE...\n");
        return 2;
    }
    std::vector<Bytes> frames;
    for (int i = first; i < argc; ++i) {
        if (!read_frames(argv[i], frames)) return 1;
    }
    return runs > 0 ? bench(frames, runs) : print_frames(frames);
}
