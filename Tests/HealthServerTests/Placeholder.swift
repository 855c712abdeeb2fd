import XCTest

final class PlaceholderHealthServerTests: XCTestCase {
    func testNothing() {}
}
