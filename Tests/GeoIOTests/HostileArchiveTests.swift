import Foundation
@testable import GeoIO
import TestSupport
import Testing

/// Peak resident memory of this process so far, in MiB (Linux reports ru_maxrss in KiB).
func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Compressed files that lie about their size, bombs, and binary files named .csv. Every archive
/// is made here with Python's gzip/zipfile modules (an implementation independent of ours) and
/// then altered byte by byte, as an attacker would.
@Suite("Hostile archives and binary files", .serialized)
struct HostileArchiveTests {
    let scratch = try! TemporaryDirectory()

    func python(_ script: String) throws {
        let r = try CLI.runTool("/usr/bin/python3", ["-c", script])
        #expect(r.status == 0, "\(r.stderr)")
    }

    func isCase(_ error: any Error, _ test: (CompressionError) -> Bool) -> Bool {
        (error as? CompressionError).map(test) ?? false
    }

    @Test("gzip: a size trailer claiming 4 GB reserves nothing; a truncated download is refused as damaged")
    func gzipTrailerLies() throws {
        let liar = scratch.path("liar.csv.gz"), cut = scratch.path("cut.csv.gz")
        try python("""
            import gzip, os
            data = ("code,value\\n" + "".join(f"E{i:08d},{i}\\n" for i in range(2000))).encode()
            z = bytearray(gzip.compress(data)); z[-4:] = b'\\xfe\\xff\\xff\\xff'
            open('\(liar)', 'wb').write(bytes(z))
            # A truncated download of a bigger file whose trailer would say ~2 GB.
            big = gzip.compress(os.urandom(200000)); t = bytearray(big[: 13000]) + b'\\xff\\xff\\xff\\x7f'
            open('\(cut)', 'wb').write(bytes(t))
            """)
        let before = peakMemoryMiB()
        // The content is read in full (the trailer is wrong, the data are not); the size check at
        // the end of the member is zlib's, on the CRC and length it computed itself.
        #expect { try FileContents.load(path: liar) } throws: { isCase($0) { if case .corrupt = $0 { true } else { false } } }
        #expect { try FileContents.load(path: cut) } throws: { isCase($0) { if case .corrupt = $0 { true } else { false } } }
        // Before the fix these reserved 4.1 GB and 2.1 GB from the trailers.
        #expect(peakMemoryMiB() - before < 256, "peak memory grew by \(peakMemoryMiB() - before) MiB")
    }

    @Test("gzip bomb: 1 GB of zeros in about 1 MB is refused by the ratio ceiling, a file past the size ceiling by the size ceiling")
    func gzipBomb() throws {
        let bomb = scratch.path("bomb.csv.gz")
        try python("""
            import zlib
            c = zlib.compressobj(9, zlib.DEFLATED, 31)
            out = open('\(bomb)', 'wb'); chunk = b'\\0' * (1 << 20)
            for _ in range(1024): out.write(c.compress(chunk))
            out.write(c.flush()); out.close()
            """)
        let before = peakMemoryMiB()
        #expect { try FileContents.load(path: bomb) } throws: { isCase($0) { if case .ratioTooHigh = $0 { true } else { false } } }
        let small = DecompressionLimits(maximumBytes: 8 << 20, maximumRatio: 1e9)
        #expect(throws: CompressionError.tooLarge(path: bomb, entry: nil, limit: 8 << 20)) { try FileContents.load(path: bomb, limits: small) }
        #expect(peakMemoryMiB() - before < 400, "peak memory grew by \(peakMemoryMiB() - before) MiB")
    }

    @Test("zip: entries declaring 4 GB each are refused before anything is inflated; a zip bomb by the ratio ceiling; more data than declared is damage")
    func zipLies() throws {
        let liar = scratch.path("liar.zip"), bomb = scratch.path("bomb.zip"), more = scratch.path("more.zip")
        try python("""
            import zipfile, struct
            with zipfile.ZipFile('\(liar)', 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('a.csv', 'x' * 30000); z.writestr('b.csv', 'y' * 30000)
            b = bytearray(open('\(liar)', 'rb').read())
            # Declared uncompressed size (central directory, offset 24) set to 4,294,967,294.
            i = 0
            while True:
                i = b.find(b'PK\\x01\\x02', i)
                if i < 0: break
                b[i + 24:i + 28] = struct.pack('<I', 0xFFFFFFFE); i += 4
            open('\(liar)', 'wb').write(bytes(b))
            with zipfile.ZipFile('\(bomb)', 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('bomb.csv', b'\\0' * (300 << 20))
            with zipfile.ZipFile('\(more)', 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('m.csv', 'z' * 100000)
            b = bytearray(open('\(more)', 'rb').read())
            i = b.find(b'PK\\x01\\x02'); b[i + 24:i + 28] = struct.pack('<I', 1000)
            open('\(more)', 'wb').write(bytes(b))
            """)
        let before = peakMemoryMiB()
        let archive = try ZipArchive(path: liar)
        #expect(archive.entries.map(\.uncompressedSize) == [4_294_967_294, 4_294_967_294])
        for entry in archive.entries {
            #expect(throws: CompressionError.tooLarge(path: liar, entry: entry.name, limit: 1 << 30)) { try archive.contents(of: entry) }
        }
        let bombArchive = try ZipArchive(path: bomb)
        // The declared ratio (300 MB from ~300 KB) is refused before inflating.
        #expect { try bombArchive.contents(of: bombArchive.entries[0]) } throws: { isCase($0) { if case .ratioTooHigh = $0 { true } else { false } } }
        // Declaring a plausible ratio does not help: inflation stops at the declared size.
        let moreArchive = try ZipArchive(path: more)
        #expect { try moreArchive.contents(of: moreArchive.entries[0]) } throws: { isCase($0) { if case .corrupt = $0 { true } else { false } } }
        // Before the fix: 8.4 GB for the two declared entries, and the bomb inflated in full.
        #expect(peakMemoryMiB() - before < 256, "peak memory grew by \(peakMemoryMiB() - before) MiB")
    }

    @Test("A file of NUL bytes named .csv is refused at once, whatever its size; UTF-16 text is named as such")
    func binaryCSV() throws {
        let nul = scratch.path("zeros.csv"), utf16 = scratch.path("excel.csv")
        // A 2 GB sparse file of NULs: no disk used, and nothing but the first 64 KiB is read.
        let fd = open(nul, O_CREAT | O_WRONLY, 0o644)
        #expect(ftruncate(fd, 2 << 30) == 0)
        close(fd)
        try "code,easting,northing\nE1,1,2\n".data(using: .utf16)!.write(to: URL(fileURLWithPath: utf16))
        #expect(throws: CSVError.notText(path: nul, utf16: false)) { try CSVTable(path: nul) }
        #expect(throws: CSVError.notText(path: nul, utf16: false)) { try CSVPointReader.read(path: nul) }
        #expect(throws: CSVError.notText(path: utf16, utf16: true)) { try CSVTable(path: utf16) }
        #expect(CSVError.notText(path: utf16, utf16: true).description.contains("UTF-16"))
        #expect(!CSVError.notText(path: utf16, utf16: true).description.contains("ISO-8859-1"))
    }

    @Test("A folder given as a file is named as a folder")
    func folderAsFile() throws {
        let dir = scratch.path("adir.csv")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect { try CSVTable(path: dir) } throws: { "\($0)".contains("it is a folder") && !"\($0)".contains("NSCocoaErrorDomain") }
        try FileManager.default.createDirectory(atPath: scratch.path("b.shp"), withIntermediateDirectories: true)
        #expect { try ShapefileReader(path: scratch.path("b.shp")) } throws: { "\($0)".contains("it is a folder") && !"\($0)".contains("no reason") }
    }

    @Test("Limits from the environment: sizes with suffixes; nonsense is ignored")
    func parseSizes() {
        #expect(DecompressionLimits.parseSize("4G") == 4 << 30)
        #expect(DecompressionLimits.parseSize("800m") == 800 << 20)
        #expect(DecompressionLimits.parseSize("12345") == 12345)
        #expect(DecompressionLimits.parseSize("-1") == nil)
        #expect(DecompressionLimits.parseSize("lots") == nil)
        #expect(DecompressionLimits.parseSize("99999999999G") == nil)
    }
}
