import XCTest

final class PlaceholderHealthWireTests: XCTestCase {
    func testNothing() {}
}
