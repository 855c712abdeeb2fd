import XCTest

final class PlaceholderHealthStoreTests: XCTestCase {
    func testNothing() {}
}
