import Foundation

/// The web-mapping library the report page inlines so that it works offline: Leaflet's
/// JavaScript and CSS, with the CSS's images turned into data URIs.
public struct MapLibrary: Sendable, Hashable {
    /// The library's JavaScript.
    public var javascript: String
    /// Its style sheet, self-contained.
    public var css: String
    /// Its name and version ("Leaflet 1.7.1").
    public var name: String
    /// Its licence notice, kept with it on the page.
    public var licence: String

    /// Where Debian's `libjs-leaflet` installs Leaflet.
    public static let debianLeaflet = "/usr/share/javascript/leaflet"

    /// Leaflet from `folder` (`leaflet.min.js` or `leaflet.js`, `leaflet.css`, `images/`).
    /// - Throws: ``ReportError/mapLibraryMissing(folder:)`` when the files are not there.
    public static func leaflet(folder: String = debianLeaflet) throws -> MapLibrary {
        let fm = FileManager.default
        guard let js = ["leaflet.min.js", "leaflet.js"].lazy.compactMap({ try? String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }).first,
              var css = try? String(contentsOfFile: folder + "/leaflet.css", encoding: .utf8) else {
            throw ReportError.mapLibraryMissing(folder: folder)
        }
        for image in (try? fm.contentsOfDirectory(atPath: folder + "/images")) ?? [] where image.hasSuffix(".png") {
            guard let data = fm.contents(atPath: folder + "/images/" + image) else { continue }
            css = css.replacingOccurrences(of: "url(images/\(image))", with: "url(data:image/png;base64,\(data.base64EncodedString()))")
        }
        // The library states its version in code (`L.version`): `.version="1.6.0"` in the minified file.
        let version = [#"\.version="(\d+\.\d+\.\d+)""#, #"var version = "(\d+\.\d+\.\d+)""#].lazy.compactMap { pattern -> String? in
            guard let r = js.range(of: pattern, options: .regularExpression) else { return nil }
            return js[r].split(separator: "\"").dropFirst().first.map { "Leaflet " + $0 }
        }.first ?? "Leaflet"
        return MapLibrary(javascript: js, css: css, name: version,
                          licence: "\(version) © Vladimir Agafonkin, CloudMade and contributors, BSD 2-Clause licence (from Debian's libjs-leaflet)")
    }
}
