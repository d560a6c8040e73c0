package org.timekeeper.servlets;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ZoneNamesTest {

    @Test
    void everyCharacterIsJudgedAsTheDeclaredPatternJudgesIt() {
        final Pattern declared = Pattern.compile(ZoneNames.SEGMENT_PATTERN);
        for (char c = 0; c < 0x250; c++) {
            final String segment = "A" + c + "b";
            assertThat(ZoneNames.problemWith(segment).isEmpty()).as("U+%04X", (int) c)
                    .isEqualTo(declared.matcher(segment).matches());
        }
        assertThat(ZoneNames.problemWith("")).isPresent();
        assertThat(ZoneNames.problemWith("x".repeat(ZoneNames.MAX_SEGMENT_LENGTH))).isEmpty();
        assertThat(ZoneNames.problemWith("x".repeat(ZoneNames.MAX_SEGMENT_LENGTH + 1))).isPresent();
    }
}
