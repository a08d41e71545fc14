import DeprivationMap
import Foundation
import TestSupport
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    @Test("Known digests (FIPS 180-4 examples), piecewise updates, and agreement with sha256sum on a file")
    func digests() throws {
        #expect(SHA256.hexDigest(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256.hexDigest(of: Data(two.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // Fed in uneven pieces.
        var rng = Xoshiro256(seed: 7)
        let bytes = (0..<200_003).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var s = SHA256()
        var i = 0
        for size in [1, 63, 64, 65, 1000, 4096] + Array(repeating: 9973, count: 30) {
            let end = min(bytes.count, i + size)
            s.update(bytes[i..<end])
            i = end
        }
        s.update(bytes[i...])
        let whole = SHA256.hexDigest(of: bytes)
        #expect(s.hexDigest() == whole)
        let scratch = try TemporaryDirectory()
        let file = scratch.path("random.bin")
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let reference = try CLI.runTool("/usr/bin/sha256sum", [file])
        #expect(reference.stdout.hasPrefix(whole))
        #expect(try SHA256.hexDigest(ofFile: file) == whole)
    }
}
