import Foundation

/// The Python with independent checkers the tests use (`icalendar`, `websocket-client`), made by `scripts/test` in
/// `.venv-test/`. Missing is a test failure, never a skip.
public enum TestPython {
    /// `.venv-test/bin/python` of the package.
    public static func withICalendar() throws -> String {
        let path = TestData.packagePath(".venv-test/bin/python")
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestData.Missing(path: path + " (scripts/test makes it: python3 -m venv .venv-test && .venv-test/bin/pip install icalendar==7.3.2 websocket-client==1.9.2)")
        }
        return path
    }
}
