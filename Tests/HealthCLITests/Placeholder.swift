import XCTest

final class PlaceholderHealthCLITests: XCTestCase {
    func testNothing() {}
}
