import Foundation

/// How an input is named in short labels: a file by its name, a database table or query by its
/// address without the password (`postgresql:///?table=public.imd2025`).
public enum SourceName {
    /// The short name of `path`.
    public static func of(_ path: String) -> String {
        if let source = PostGISSource(path) { return source.label }
        if PostGISSource.isAddress(path) { return path } // already a label
        return URL(fileURLWithPath: path).lastPathComponent
    }

    /// The name a file of the same data would have: a file's name, or a table's name without its
    /// schema (`ogr2ogr` and `convert` name a table after the file it loads), lower case. Used to
    /// recognise the data's licence.
    public static func dataName(_ path: String) -> String {
        if PostGISSource.isAddress(path) {
            guard let table = PostGISSource(path)?.table ?? URLComponents(string: path)?.queryItems?.first(where: { $0.name == "table" })?.value else { return "" }
            return String(table.split(separator: ".").last ?? "").lowercased()
        }
        return URL(fileURLWithPath: path).lastPathComponent.lowercased()
    }
}
