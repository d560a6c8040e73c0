package org.timekeeper.jenkins

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertNull

import org.junit.Test

class SmokeCheckTest {

    private static final String HEADERS = 'HTTP/2 200\r\ncontent-type: application/json\r\nx-app-version: 1.2.3\r\n' +
            'X-Served-By: i-0abc\r\n\r\n'

    @Test
    void findsTheHeaderWhateverItsCase() {
        assertEquals('1.2.3', SmokeCheck.headerValue(HEADERS, 'X-App-Version'))
        assertEquals('i-0abc', SmokeCheck.headerValue(HEADERS, 'x-served-by'))
    }

    @Test
    void afterARedirectOnlyTheFinalResponseCounts() {
        String redirected = 'HTTP/1.1 301 Moved Permanently\r\nX-App-Version: 1.2.2\r\nLocation: https://x/\r\n\r\n' +
                'HTTP/2 200\r\ncontent-type: text/plain\r\n\r\n'

        assertNull(SmokeCheck.headerValue(redirected, 'X-App-Version'))
    }

    @Test
    void saysWhatWasWrong() {
        assertNull(SmokeCheck.mismatch('https://x', HEADERS, 'X-App-Version', '1.2.3'))
        assertEquals('https://x answered X-App-Version: 1.2.3, expected 1.2.4',
                SmokeCheck.mismatch('https://x', HEADERS, 'X-App-Version', '1.2.4'))
        assertEquals('https://x answered without a X-Release header (expected 1.2.3)',
                SmokeCheck.mismatch('https://x', HEADERS, 'X-Release', '1.2.3'))
    }
}
