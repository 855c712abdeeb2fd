import XCTest

final class PlaceholderHealthDomainTests: XCTestCase {
    func testNothing() {}
}
