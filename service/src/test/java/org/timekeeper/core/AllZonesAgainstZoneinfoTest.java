package org.timekeeper.core;

import org.joda.time.DateTimeZone;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every field of every zone, checked against an independent implementation: CPython's zoneinfo
 * reading the TZif files of the `tzdata` package pinned to the same tz release (requirements.txt,
 * installed into .venv by bin/setup). Instants: one second either side of every transition from
 * 1970 to 2040, plus a grid every 61 days, plus now.
 */
class AllZonesAgainstZoneinfoTest {
    private static final Path PYTHON = Path.of("..", ".venv", "bin", "python");
    private static final Path ZONEINFO_FACTS = Path.of("src", "test", "python", "zoneinfo_facts.py");
    private static final long FIRST = ZonedDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toEpochSecond();
    private static final long LAST = ZonedDateTime.of(2040, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toEpochSecond();
    private static final long GRID_STEP_SECONDS = 61L * 24 * 3600;
    private static final int MICROS = 123456; // zoneinfo_facts.py adds the same fraction

    /**
     * tzdata's main format gives these zones negative DST (Irish winter time, Morocco's Ramadan
     * time, Namibia 1994-2017); Joda-Time, like Java and WorldTimeAPI clients, reads the rearguard
     * form where the same clock readings are positive DST in the other season. Offsets, local
     * time and abbreviations must still agree; only which season counts as DST differs, and only
     * up to the last instant zoneinfo itself reports negative DST in the zone, and in the
     * rearguard's DST period that mirrors it: after that (Namibia from 2017, Morocco from
     * September 2026) every field is checked. Dublin still has winter negative DST.
     */
    private static final Set<String> NEGATIVE_DST_IN_MAIN_FORMAT =
            Set.of("Europe/Dublin", "Africa/Casablanca", "Africa/El_Aaiun", "Africa/Windhoek");

    /**
     * A TZif file records each period's total offset and an is-DST flag, not how much of it is DST,
     * so zoneinfo can only bound our raw_offset during DST by the standard offsets either side of
     * the period. Before 2001 some zones changed standard time for exactly one DST period
     * (Argentina 1999-2000, Indiana 1974, Juneau 1980, Samara, Qyzylorda, Louisville), which that
     * bound cannot see; from 2001 on the bound holds for every zone, and is checked.
     */
    private static final long DST_SPLIT_CHECKED_FROM = ZonedDateTime.of(2001, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toEpochSecond();

    private static ZoneCatalog catalog;
    private static DateTimeCalculator calculator;

    @BeforeAll
    static void loadCatalog() {
        catalog = ZoneCatalog.fromTzdata();
        calculator = new DateTimeCalculator(catalog);
    }

    private record Query(String zone, long epochSecond, DateTimeFacts facts) {
    }

    @Test
    void everyFieldOfEveryZoneAgreesWithZoneinfo() throws Exception {
        assertThat(Files.isExecutable(PYTHON)).as("%s missing: run `make setup` first", PYTHON.toAbsolutePath()).isTrue();
        List<Query> queries = new ArrayList<>();
        for (String zone : catalog.zoneNames()) {
            for (long epochSecond : instantsToCheck(zone)) {
                queries.add(new Query(zone, epochSecond, calculator.at(zone, Instant.ofEpochSecond(epochSecond, MICROS * 1000L))));
            }
        }

        var processBuilder = new ProcessBuilder(PYTHON.toString(), ZONEINFO_FACTS.toString());
        processBuilder.environment().put("PYTHONTZPATH", ""); // the pinned tzdata package, never the OS's zoneinfo
        Process python = processBuilder.start();
        CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> feed(python, queries));
        List<String[]> answers = new ArrayList<>();
        try (var reader = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).as("tz release of the pinned tzdata package").isEqualTo(catalog.tzdataVersion());
            for (Query query : queries) {
                String line = reader.readLine();
                assertThat(line).as("zoneinfo's answer for %s", query).isNotNull();
                answers.add(line.split("\t", -1));
            }
        }
        feeding.get(1, TimeUnit.MINUTES);
        assertThat(python.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(python.exitValue()).as(new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();

        Map<String, Long> lastNegativeDst = new TreeMap<>();
        for (int i = 0; i < queries.size(); i++) {
            if (NEGATIVE_DST_IN_MAIN_FORMAT.contains(queries.get(i).zone()) && Integer.parseInt(answers.get(i)[5]) < 0) {
                lastNegativeDst.merge(queries.get(i).zone(), queries.get(i).epochSecond(), Math::max);
            }
        }
        assertThat(lastNegativeDst.keySet()).as("zones zoneinfo gives negative DST, of those listed")
                .isEqualTo(new TreeSet<>(NEGATIVE_DST_IN_MAIN_FORMAT));
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            Query query = queries.get(i);
            long lastNegative = lastNegativeDst.getOrDefault(query.zone(), Long.MIN_VALUE);
            boolean seasonsMayDiffer = query.epochSecond() <= lastNegative
                    || query.facts().dst() && Instant.parse(query.facts().dstFrom()).getEpochSecond() <= lastNegative + 1;
            compare(query, answers.get(i), seasonsMayDiffer, mismatches);
        }

        assertThat(queries.size()).as("instants checked").isGreaterThan(100_000);
        assertThat(mismatches).as("%d disagreements with zoneinfo over %d instants; the first ones", mismatches.size(), queries.size())
                .isEmpty();
    }

    private static Set<Long> instantsToCheck(String zoneName) {
        DateTimeZone zone = DateTimeZone.forID(zoneName);
        Set<Long> seconds = new TreeSet<>();
        for (long s = FIRST; s < LAST; s += GRID_STEP_SECONDS) {
            seconds.add(s);
        }
        long millis = FIRST * 1000;
        while (true) {
            long next = zone.nextTransition(millis);
            if (next == millis || next >= LAST * 1000) {
                break;
            }
            long transitionSecond = Math.floorDiv(next + 999, 1000L); // see DateTimeCalculator.formatTransition
            seconds.add(transitionSecond - 1);
            seconds.add(transitionSecond);
            millis = next;
        }
        seconds.add(Instant.now().getEpochSecond());
        return seconds;
    }

    private static void feed(Process python, List<Query> queries) {
        try (var writer = new BufferedWriter(new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8))) {
            for (Query query : queries) {
                writer.write(query.zone() + "\t" + query.epochSecond() + "\t"
                        + Objects.requireNonNullElse(query.facts().dstFrom(), "-") + "\t"
                        + Objects.requireNonNullElse(query.facts().dstUntil(), "-") + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void compare(Query query, String[] zoneinfo, boolean seasonsMayDiffer, List<String> mismatches) {
        DateTimeFacts facts = query.facts();
        if (!seasonsMayDiffer) {
            check(query, "abbreviation", facts.abbreviation(), zoneinfo[0], mismatches);
            check(query, "dst", String.valueOf(facts.dst()), zoneinfo[4], mismatches);
            check(query, "dst_from/dst_until", facts.dst() ? "ok" : "-", zoneinfo[11], mismatches);
            if (!facts.dst()) {
                check(query, "raw_offset", String.valueOf(facts.rawOffset()), zoneinfo[6], mismatches);
                check(query, "dst_offset", String.valueOf(facts.dstOffset()), zoneinfo[5], mismatches);
            } else if (query.epochSecond() >= DST_SPLIT_CHECKED_FROM) {
                List<String> standardOffsetsAroundDst = List.of(zoneinfo[12].split(","));
                if (!standardOffsetsAroundDst.contains(String.valueOf(facts.rawOffset()))) {
                    check(query, "raw_offset during DST", String.valueOf(facts.rawOffset()), "one of " + zoneinfo[12], mismatches);
                }
            }
        }
        check(query, "datetime", facts.datetime(), zoneinfo[1], mismatches);
        check(query, "day_of_week", String.valueOf(facts.dayOfWeek()), zoneinfo[2], mismatches);
        check(query, "day_of_year", String.valueOf(facts.dayOfYear()), zoneinfo[3], mismatches);
        check(query, "unixtime", String.valueOf(facts.unixtime()), zoneinfo[7], mismatches);
        check(query, "utc_datetime", facts.utcDatetime(), zoneinfo[8], mismatches);
        check(query, "utc_offset", facts.utcOffset(), zoneinfo[9], mismatches);
        check(query, "raw_offset + dst_offset", String.valueOf(facts.rawOffset() + facts.dstOffset()),
                String.valueOf(Integer.parseInt(zoneinfo[5]) + Integer.parseInt(zoneinfo[6])), mismatches);
        check(query, "week_number", String.valueOf(facts.weekNumber()), zoneinfo[10], mismatches);
    }

    private static void check(Query query, String field, String ours, String theirs, List<String> mismatches) {
        if (!ours.equals(theirs)) {
            mismatches.add(query.zone() + " @" + Instant.ofEpochSecond(query.epochSecond()) + " " + field + ": ours=" + ours + " zoneinfo=" + theirs);
        }
    }
}
