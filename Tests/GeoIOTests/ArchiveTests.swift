import Foundation
import GeoIO
import TestSupport
import Testing

@Suite("Compressed inputs and the CSV table scanner")
struct ArchiveTests {
    let scratch = try! TemporaryDirectory()

    /// Makes archives with Python's own zipfile/gzip modules, an implementation independent of ours.
    func python(_ script: String) throws {
        let r = try CLI.runTool("/usr/bin/python3", ["-c", script])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test("gzip (one or two members) inflates; a truncated file is reported as damaged")
    func gzip() throws {
        let path = scratch.path("t.csv.gz"), two = scratch.path("two.csv.gz"), cut = scratch.path("cut.csv.gz")
        try python("""
            import gzip
            data = ("code,value\\n" + "".join(f"E{i:08d},{i}\\n" for i in range(50000))).encode()
            open('\(path)', 'wb').write(gzip.compress(data))
            open('\(two)', 'wb').write(gzip.compress(b"code,value\\n") + gzip.compress(b"E1,2\\n"))
            z = gzip.compress(data); open('\(cut)', 'wb').write(z[: len(z) // 2])
            """)
        let table = try CSVTable(path: path)
        var n = 0, sum = 0
        try table.forEachRow { n += 1; sum += $0.integer(1)! }
        #expect(n == 50_000 && sum == 49_999 * 50_000 / 2)
        #expect(String(decoding: try FileContents.load(path: two), as: UTF8.self) == "code,value\nE1,2\n")
        #expect { try FileContents.load(path: cut) } throws: { ($0 as? CompressionError).map { if case .corrupt = $0 { true } else { false } } ?? false }
    }

    @Test("zip: stored and deflate entries read; a damaged entry fails its CRC check")
    func zip() throws {
        let path = scratch.path("a.zip"), bad = scratch.path("bad.zip")
        try python("""
            import zipfile
            with zipfile.ZipFile('\(path)', 'w') as z:
                z.writestr('Data/CSV/a.csv', 'x' * 100000, compress_type=zipfile.ZIP_DEFLATED)
                z.writestr('Doc/readme.txt', 'hello', compress_type=zipfile.ZIP_STORED)
            b = bytearray(open('\(path)', 'rb').read())
            i = b.index(b'hello'); b[i] = ord('j')
            open('\(bad)', 'wb').write(bytes(b))
            """)
        let archive = try ZipArchive(path: path)
        #expect(archive.entries.map(\.name) == ["Data/CSV/a.csv", "Doc/readme.txt"])
        #expect(Array(try archive.contents(of: archive.entries[0])) == Array(repeating: UInt8(ascii: "x"), count: 100_000))
        #expect(Array(try archive.contents(of: archive.entries[1])) == Array("hello".utf8))
        let damaged = try ZipArchive(path: bad)
        #expect(throws: CompressionError.checksumMismatch(path: bad, entry: "Doc/readme.txt")) { try damaged.contents(of: damaged.entries[1]) }
        try "not a zip".write(toFile: scratch.path("no.zip"), atomically: true, encoding: .utf8)
        #expect { try ZipArchive(path: scratch.path("no.zip")) } throws: { ($0 as? CompressionError).map { if case .badArchive = $0 { true } else { false } } ?? false }
    }

    @Test("CSV table: BOM, quoted thousands, doubled quotes, header lookup by normalised name")
    func table() throws {
        let path = scratch.path("t.csv")
        try "\u{FEFF}LSOA code (2011),Name,Rank\nE01000001,\"Say \"\"hi\"\", there\",\"29,199\"\r\n\nE01000002, spaced ,-3\n".write(toFile: path, atomically: true, encoding: .utf8)
        let table = try CSVTable(path: path)
        #expect(table.column(["lsoa_code_2011"]) == 0)
        var rows: [(Int, String, Int?, String)] = []
        try table.forEachRow { rows.append(($0.line, $0.string(1), $0.integer(2), $0.trimmed(1))) }
        #expect(rows.map(\.0) == [2, 4])
        #expect(rows[0].1 == "Say \"hi\", there")
        #expect(rows[0].2 == 29_199 && rows[1].2 == -3)
        #expect(rows[1].3 == "spaced")
        #expect(throws: CSVError.unknownColumn(path: path, column: "decile", header: ["LSOA code (2011)", "Name", "Rank"])) {
            try table.requireColumn(["IMD_decile"], purpose: "decile")
        }
    }
}
