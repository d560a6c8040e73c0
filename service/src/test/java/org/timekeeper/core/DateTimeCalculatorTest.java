package org.timekeeper.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Hand-checked facts at DST edges and format corners; AllZonesAgainstZoneinfoTest covers every zone. */
class DateTimeCalculatorTest {
    private final DateTimeCalculator calculator = new DateTimeCalculator(ZoneCatalog.fromTzdata());

    @Test
    void newYorkInSummerIsOnDaylightTime() {
        DateTimeFacts facts = calculator.at("America/New_York", Instant.parse("2026-07-15T16:30:45.123456Z"));
        assertThat(facts.abbreviation()).isEqualTo("EDT");
        assertThat(facts.datetime()).isEqualTo("2026-07-15T12:30:45.123456-04:00");
        assertThat(facts.utcDatetime()).isEqualTo("2026-07-15T16:30:45.123456+00:00");
        assertThat(facts.dst()).isTrue();
        assertThat(facts.dstFrom()).isEqualTo("2026-03-08T07:00:00+00:00");
        assertThat(facts.dstUntil()).isEqualTo("2026-11-01T06:00:00+00:00");
        assertThat(facts.dstOffset()).isEqualTo(3600);
        assertThat(facts.rawOffset()).isEqualTo(-18000);
        assertThat(facts.utcOffset()).isEqualTo("-04:00");
        assertThat(facts.dayOfWeek()).isEqualTo(3);
        assertThat(facts.dayOfYear()).isEqualTo(196);
        assertThat(facts.weekNumber()).isEqualTo(29);
        assertThat(facts.unixtime()).isEqualTo(1784133045L);
        assertThat(facts.timezone()).isEqualTo("America/New_York");
    }

    @Test
    void berlinSwitchesToStandardTimeAtTheExactSecond() {
        DateTimeFacts lastSummerSecond = calculator.at("Europe/Berlin", Instant.parse("2026-10-25T00:59:59Z"));
        DateTimeFacts firstWinterSecond = calculator.at("Europe/Berlin", Instant.parse("2026-10-25T01:00:00Z"));
        assertThat(lastSummerSecond.abbreviation()).isEqualTo("CEST");
        assertThat(lastSummerSecond.dst()).isTrue();
        assertThat(lastSummerSecond.dstUntil()).isEqualTo("2026-10-25T01:00:00+00:00");
        assertThat(firstWinterSecond.abbreviation()).isEqualTo("CET");
        assertThat(firstWinterSecond.dst()).isFalse();
        assertThat(firstWinterSecond.dstFrom()).isNull();
        assertThat(firstWinterSecond.dstUntil()).isNull();
        assertThat(firstWinterSecond.dstOffset()).isZero();
        assertThat(firstWinterSecond.datetime()).isEqualTo("2026-10-25T02:00:00.000000+01:00");
    }

    @Test
    void numericAbbreviationsComeFromTzdataNotFromJava() {
        assertThat(calculator.at("America/Sao_Paulo", Instant.parse("2026-01-10T12:00:00Z")).abbreviation()).isEqualTo("-03");
        assertThat(calculator.at("Asia/Kathmandu", Instant.parse("2026-01-10T12:00:00Z")).abbreviation()).isEqualTo("+0545");
        assertThat(calculator.at("Asia/Kathmandu", Instant.parse("2026-01-10T12:00:00Z")).utcOffset()).isEqualTo("+05:45");
    }

    @Test
    void sundayIsDayZeroAndWeeksAreIso() {
        DateTimeFacts sunday = calculator.at("Etc/UTC", Instant.parse("2027-01-03T12:00:00Z"));
        assertThat(sunday.dayOfWeek()).isZero();
        assertThat(sunday.weekNumber()).as("2027-01-03 still belongs to ISO week 53 of 2026").isEqualTo(53);
        assertThat(sunday.abbreviation()).isEqualTo("UTC");
        assertThat(sunday.utcOffset()).isEqualTo("+00:00");
    }

    @Test
    void southernHemisphereDstSpansTheNewYear() {
        DateTimeFacts sydney = calculator.at("Australia/Sydney", Instant.parse("2027-01-15T00:00:00Z"));
        assertThat(sydney.abbreviation()).isEqualTo("AEDT");
        assertThat(sydney.dstFrom()).isEqualTo("2026-10-03T16:00:00+00:00");
        assertThat(sydney.dstUntil()).isEqualTo("2027-04-03T16:00:00+00:00");
    }

    @Test
    void offsetsWithSecondsKeepThem() {
        assertThat(calculator.at("Africa/Monrovia", Instant.parse("1971-06-01T00:00:00Z")).utcOffset()).isEqualTo("-00:44:30");
    }

    @Test
    void rejectsNamesThatAreNotCanonical() {
        assertThatIllegalArgumentException().isThrownBy(() -> calculator.at("US/Eastern", Instant.now()));
    }
}
