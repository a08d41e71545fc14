import Foundation
import Testing
import TestSupport

/// The code in the DocC articles is the code of the example targets, which the package compiles:
/// every ```swift block of an article must appear, line for line, in one example's main.swift.
@Suite("Documentation snippets compile")
struct DocumentationTests {
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    @Test("Every Swift block of the DocC articles is part of an example target")
    func articleSnippetsAreExamples() throws {
        let catalogue = TestData.packagePath("Sources/DeprivationMap/DeprivationMap.docc")
        let examplesRoot = TestData.packagePath("Examples")
        let examples = try FileManager.default.contentsOfDirectory(atPath: examplesRoot).sorted().map { name in
            Self.lines(try String(contentsOfFile: "\(examplesRoot)/\(name)/main.swift", encoding: .utf8))
        }
        var blocks = 0
        for article in try FileManager.default.contentsOfDirectory(atPath: catalogue).sorted() where article.hasSuffix(".md") {
            let text = try String(contentsOfFile: "\(catalogue)/\(article)", encoding: .utf8)
            for (k, part) in text.components(separatedBy: "```swift\n").dropFirst().enumerated() {
                let block = Self.lines(String(part.prefix { _ in true }.components(separatedBy: "```")[0]))
                guard !block.isEmpty else { continue }
                blocks += 1
                let found = examples.contains { example in
                    example.indices.contains { start in
                        start + block.count <= example.count && Array(example[start..<start + block.count]) == block
                    }
                }
                #expect(found, "\(article), Swift block \(k + 1) is not in any example: \(block.first ?? "")")
            }
        }
        #expect(blocks >= 8)
    }
}
