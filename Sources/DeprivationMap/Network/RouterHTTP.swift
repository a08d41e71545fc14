import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Blocking GET requests to a routing server (loopback or a team's server), with a timeout.
enum RouterHTTP {
    /// Fetches `url`; returns the status and body.
    /// - Throws: ``NetworkError/routerUnreachable(url:detail:)`` when nothing answers in `timeout` seconds.
    static func get(_ url: URL, base: String, timeout: Double) throws -> (status: Int, body: Data) {
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        let done = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var status = 0; var body = Data(); var error: Error? }
        let box = Box()
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            box.body = data ?? Data()
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.error = error
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            throw NetworkError.routerUnreachable(url: base, detail: "no answer in \(Int(timeout)) s")
        }
        if let error = box.error {
            throw NetworkError.routerUnreachable(url: base, detail: (error as NSError).localizedDescription)
        }
        return (box.status, box.body)
    }

    /// Fetches `url` and decodes an OSRM JSON reply with code "Ok".
    /// - Throws: ``NetworkError/routerUnreachable(url:detail:)``, ``NetworkError/routerRefused(url:code:message:)``.
    static func osrm(_ url: URL, base: String, timeout: Double) throws -> [String: Any] {
        let (status, body) = try get(url, base: base, timeout: timeout)
        guard let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any], let code = json["code"] as? String else {
            throw NetworkError.routerUnreachable(url: base, detail: "the reply (HTTP \(status)) is not an OSRM reply")
        }
        guard code == "Ok" else {
            throw NetworkError.routerRefused(url: base, code: code, message: (json["message"] as? String) ?? "")
        }
        return json
    }
}
