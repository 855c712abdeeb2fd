// The unit tables: for each canonical unit of the vitals catalog, the spellings that sources send and how each
// converts. Spellings come from UCUM (`Cel`, `[degF]`, `[lb_av]`, `mm[Hg]`), from HealthKit exports (`count/min`,
// `degC`, `Cal`, `mL/kg·min` with a U+00B7 middle dot) and from common usage (`bpm`, `lbs`, `mmHg`).

extension UnitTable {
    static let all: [UnitTable] = [
        mass, bodyLength, distance, temperature, perMinute, milliseconds, pressure, bodyMassIndex, percent,
        glucose, count, energy, oxygenUptake, minutes,
    ]

    static let mass = UnitTable(
        "kg",
        [
            unit("kg"), unit("g", 0.001),
            // The international avoirdupois pound is exactly 0.45359237 kg; an ounce is 1/16 of it.
            unit("lb", 0.453_592_37), unit("lbs", 0.453_592_37), unit("[lb_av]", 0.453_592_37),
            unit("oz", 0.028_349_523_125), unit("[oz_av]", 0.028_349_523_125),
            unit("st", 6.350_293_18), unit("[stone_av]", 6.350_293_18),
        ])

    /// Body length (height): centimetres.
    static let bodyLength = UnitTable(
        "cm",
        [
            unit("cm"), unit("mm", 0.1), unit("m", 100),
            unit("in", 2.54), unit("[in_i]", 2.54), unit("ft", 30.48), unit("[ft_i]", 30.48),
        ])

    /// Distance covered: metres.
    static let distance = UnitTable(
        "m",
        [
            unit("m"), unit("km", 1000), unit("cm", 0.01),
            unit("mi", 1609.344), unit("[mi_i]", 1609.344), unit("yd", 0.9144), unit("[yd_i]", 0.9144),
            unit("ft", 0.3048), unit("[ft_i]", 0.3048),
        ])

    /// Degrees Celsius. Fahrenheit and kelvin are affine: the offset is added before scaling.
    static let temperature = UnitTable(
        "Cel",
        [
            unit("Cel"), unit("degC"), unit("°C"), unit("C"),
            unit("[degF]", 5.0 / 9.0, addend: -32), unit("degF", 5.0 / 9.0, addend: -32),
            unit("°F", 5.0 / 9.0, addend: -32), unit("F", 5.0 / 9.0, addend: -32),
            unit("K", addend: -273.15),
        ])

    /// Beats or breaths per minute.
    static let perMinute = UnitTable(
        "count/min",
        [
            unit("count/min"), unit("/min"), unit("1/min"), unit("bpm"),
            unit("{beats}/min"), unit("{beat}/min"), unit("beats/min"), unit("beats/minute"),
            unit("{breaths}/min"), unit("{breath}/min"), unit("breaths/min"), unit("breaths/minute"),
            unit("count/s", 60), unit("/s", 60),
        ])

    static let milliseconds = UnitTable("ms", [unit("ms"), unit("s", 1000)])

    static let pressure = UnitTable(
        "mm[Hg]",
        [
            unit("mm[Hg]"), unit("mmHg"), unit("mm Hg"),
            // One mmHg is 133.322387415 Pa by definition.
            unit("kPa", 1000 / 133.322_387_415),
        ])

    /// HealthKit writes body mass index with the unit `count`.
    static let bodyMassIndex = UnitTable(
        "kg/m2", [unit("kg/m2"), unit("kg/m^2"), unit("kg/m²"), unit("count")])

    // NOTE: HealthKit stores oxygen saturation and body fat as fractions (0.98) but exports them with the unit `%`,
    // while FHIR and most apps send percentages (98). A value of at most 1 in `%` is therefore read as a fraction
    // and multiplied by 100, so a true percentage of 1 or less cannot be sent. Every % metric in the catalog has a
    // minimum above 1, and a test checks that.
    static let percent = UnitTable("%", [("%", UnitConversion(readsSmallValuesAsFraction: true), caseSensitive: true)])

    static let glucose = UnitTable(
        "mg/dL",
        [unit("mg/dL"), unit("mmol/L", UnitConverter.glucoseMgPerDlPerMmolPerL)],
        acceptsMolarMassMillimoles: true)

    /// Counts such as steps. The only table that accepts an empty unit.
    static let count = UnitTable("count", [unit("count"), unit(""), unit("{count}"), unit("{steps}"), unit("steps")])

    /// Kilocalories. `Cal` and `[Cal]` are the nutrition Calorie (one kilocalorie) and match only in that case,
    /// because `cal` is the small calorie. A kilojoule is 1/4.184 kcal (thermochemical calorie).
    static let energy = UnitTable(
        "kcal",
        [
            unit("kcal"), unit("Cal", caseSensitive: true), unit("[Cal]", caseSensitive: true),
            unit("kJ", 1 / 4.184),
        ])

    /// Oxygen uptake per body mass, as VO2 max is reported.
    static let oxygenUptake = UnitTable(
        "mL/kg/min",
        [
            unit("mL/kg/min"), unit("mL/kg·min"), unit("mL/(kg·min)"), unit("mL/(kg.min)"), unit("mL/kg.min"),
            unit("mL/min/kg"),
        ])

    /// Durations such as exercise time.
    static let minutes = UnitTable("min", [unit("min"), unit("h", 60), unit("hr", 60), unit("s", 1.0 / 60)])

    private static func unit(
        _ spelling: String, _ factor: Double = 1, addend: Double = 0, caseSensitive: Bool = false
    ) -> (String, UnitConversion, caseSensitive: Bool) {
        (spelling, UnitConversion(addend: addend, factor: factor), caseSensitive: caseSensitive)
    }
}
