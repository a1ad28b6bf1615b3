// The column-type fixtures (every MariaDB type with edge values,
// and every kind of column default), shared by tests that compare decoding paths.
export const DB = 'binlogd_test';

export const typesTable = (t: string) => `CREATE TABLE ${DB}.${t} (
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED, izf INT(5) ZEROFILL,
  b1 BIT(1), b12 BIT(12), b64 BIT(64), bool_ BOOLEAN, t1 TINYINT(1),
  f FLOAT, f_md FLOAT(10,2), f30 FLOAT(30), d DOUBLE, d_md DOUBLE(12,4), r REAL,
  dec_ DECIMAL(10,2), dec65 DECIMAL(65,30), dec0 DECIMAL(20,0), decu DECIMAL(10,2) UNSIGNED, num NUMERIC(5,1),
  c CHAR(10), vc VARCHAR(100), vc_latin1 VARCHAR(50) CHARACTER SET latin1, vc_cp1251 VARCHAR(50) CHARACTER SET cp1251,
  vc_ucs2 VARCHAR(20) CHARACTER SET ucs2, tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT, tx_latin1 TEXT CHARACTER SET latin1,
  bin BINARY(8), vbin VARBINARY(20), tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
  j JSON, e ENUM('a','b','c d'), s SET('x','y','z'), e2 ENUM('it''s','x,y','b\\\\s'), s2 SET('a''b','c'),
  dt DATE, tm TIME, tm1 TIME(1), tm3 TIME(3), tm6 TIME(6),
  dtm DATETIME, dtm1 DATETIME(1), dtm3 DATETIME(3), dtm4 DATETIME(4), dtm6 DATETIME(6),
  ts TIMESTAMP NULL, ts1 TIMESTAMP(1) NULL, ts3 TIMESTAMP(3) NULL, ts6 TIMESTAMP(6) NULL, y YEAR,
  g GEOMETRY, pt POINT, ls LINESTRING, pg POLYGON, mpt MULTIPOINT, mls MULTILINESTRING, mpg MULTIPOLYGON, gc GEOMETRYCOLLECTION,
  u UUID)`;

// Time-of-day defaults only under time.precision.mode=connect and isostring: Debezium cannot
// represent other TIME values there and fails NOT NULL columns (binlogd too, see the unit tests).
export const defaultsTable = (t: string, outOfDayTimes: boolean) => `CREATE TABLE ${DB}.${t} (
  id INT PRIMARY KEY AUTO_INCREMENT,
  ti TINYINT NOT NULL DEFAULT -5, tiu TINYINT UNSIGNED NOT NULL DEFAULT 200, si SMALLINT NOT NULL DEFAULT 7,
  siu SMALLINT UNSIGNED NOT NULL DEFAULT 65000, mi MEDIUMINT NOT NULL DEFAULT 3, i INT NOT NULL DEFAULT 42,
  iu INT UNSIGNED NOT NULL DEFAULT 4000000000, bi BIGINT NOT NULL DEFAULT -9000000000,
  biu BIGINT UNSIGNED NOT NULL DEFAULT 18446744073709551615,
  b1 BIT(1) NOT NULL DEFAULT b'1', bit1 BIT(1) NOT NULL DEFAULT b'0', b12 BIT(12) NOT NULL DEFAULT b'101000000001',
  bit5 BIT(5) NOT NULL DEFAULT b'1', bool_ BOOLEAN NOT NULL DEFAULT TRUE, t1 TINYINT(1) NOT NULL DEFAULT 1,
  f FLOAT NOT NULL DEFAULT 1.5, fmd FLOAT(10,2) NOT NULL DEFAULT 1.1, d DOUBLE NOT NULL DEFAULT 2.25,
  dec_ DECIMAL(10,2) NOT NULL DEFAULT 12.5, dec65 DECIMAL(65,30) NOT NULL DEFAULT 1.000000000000000000000000000001,
  c CHAR(10) NOT NULL DEFAULT 'ch', vc VARCHAR(100) NOT NULL DEFAULT 'it''s', vcq VARCHAR(20) NOT NULL DEFAULT 'a\\\\b\\'c',
  vcn VARCHAR(10) DEFAULT 'nullable', vce VARCHAR(10) NOT NULL DEFAULT '', vcnull VARCHAR(10) DEFAULT NULL, vcnone VARCHAR(10) NOT NULL,
  tx TEXT NOT NULL DEFAULT 'text default', bin BINARY(4) NOT NULL DEFAULT 'ab', vbin VARBINARY(10) NOT NULL DEFAULT 'xyz',
  e ENUM('a','b') NOT NULL DEFAULT 'b', en ENUM('a','b') NOT NULL, e2 ENUM('it''s','x,y') DEFAULT 'it''s', s SET('x','y') NOT NULL DEFAULT 'x,y',
  dt DATE NOT NULL DEFAULT '2020-02-29', dtz DATE NOT NULL DEFAULT '0000-00-00', dtzn DATE NULL DEFAULT '0000-00-00',
  dtnd DATE NOT NULL, dtd DATE NOT NULL DEFAULT '0099-12-31',
  tm TIME NOT NULL DEFAULT '${outOfDayTimes ? '-12:34:56' : '12:34:56'}',
  tm6 TIME(6) NOT NULL DEFAULT '${outOfDayTimes ? '838:59:59.000000' : '23:59:59.999999'}',
  tmc TIME(2) NOT NULL DEFAULT '${outOfDayTimes ? '1 02:03:04.5' : '02:03:04.5'}',
  dtm DATETIME NOT NULL DEFAULT '2021-03-04 05:06:07', dtm6 DATETIME(6) NOT NULL DEFAULT '2021-03-04 05:06:07.123456',
  dtmct DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, dtmctn DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  dtmz DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00', dtmnd DATETIME NOT NULL, dtmd DATETIME NOT NULL DEFAULT '0050-01-01 00:00:00',
  ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, ts6 TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  tsl TIMESTAMP NOT NULL DEFAULT '2022-01-02 03:04:05', tsl3 TIMESTAMP(3) NOT NULL DEFAULT '2022-01-02 03:04:05.5',
  tsn TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP, tsz TIMESTAMP NOT NULL DEFAULT '0000-00-00 00:00:00',
  y YEAR NOT NULL DEFAULT 2024, y0 YEAR NOT NULL DEFAULT 0,
  dexpr INT NOT NULL DEFAULT (1+2), vexpr INT AS (i*2) VIRTUAL, sexpr INT AS (i+1) STORED,
  j JSON NOT NULL DEFAULT '{}', u UUID NOT NULL DEFAULT 'a5a2d6f0-0c1e-11ee-be56-0242ac120002',
  pt POINT NOT NULL, g GEOMETRY NULL)`;

export const typesRows = (t: string) => [
  `INSERT INTO ${DB}.${t} VALUES (1, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
    9223372036854775807, 18446744073709551615, 42, b'1', b'101000000001', b'1000000000000000000000000000000000000000000000000000000000000001',
    TRUE, 1, 3.14, 12345678.91, 1.2345678901234, 1.7976931348623157e308, 12345678.1234, 2.5,
    12345678.91, '12345678901234567890123456789012345.123456789012345678901234567890', 99999999999999999999, 99999999.99, 1234.5,
    'héllo', 'こんにちは 🎉', 'café ü', 'Привет', 'Ωμέγα', 'tiny', 'text ✓', 'medium', 'long', 'latin1 ÿ',
    x'0102', x'000102000000', x'ff00', x'00ff00', x'de', x'beef00',
    '{"a": [1, 2.5, "x"], "b": {"c": null}}', 'c d', 'x,z', 'x,y', 'a''b,c',
    '2024-02-29', '838:59:59', '-00:00:01.5', '-838:59:58.999', '123:45:56.789012',
    '9999-12-31 23:59:59', '2024-01-01 00:00:00.9', '1000-01-01 00:00:00.123', '2024-06-15 12:34:56.7891', '2024-06-15 12:34:56.123456',
    '2038-01-19 03:14:07', '2001-02-03 04:05:06.7', '1970-01-01 00:00:01.001', '2024-06-15 12:34:56.000001', 2155,
    ST_GeomFromText('POINT(1 2)'), ST_GeomFromText('POINT(-1.5 2.25)', 4326), ST_GeomFromText('LINESTRING(0 0,1 1,2 2)'),
    ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))'), ST_GeomFromText('MULTIPOINT(1 1,2 2)'),
    ST_GeomFromText('MULTILINESTRING((0 0,1 1),(2 2,3 3))'), ST_GeomFromText('MULTIPOLYGON(((0 0,1 0,1 1,0 0)))'),
    ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))'), 'a5a2d6f0-0c1e-11ee-be56-0242ac120002')`,
  `INSERT INTO ${DB}.${t} (id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, b1, b12, b64, bool_, t1, f, d, dec_, dec65, dec0, decu,
    c, vc, bin, vbin, e, s, e2, dt, tm, tm1, tm3, tm6, dtm, dtm1, dtm3, dtm4, dtm6, ts, ts1, ts3, ts6, y) VALUES
    (2, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 9223372036854775808, b'0', b'0', b'0', FALSE, -1,
    -3.4e38, -2.2250738585072014e-308, -99999999.99, '-12345678901234567890123456789012345.000000000000000000000000000001', -1, 0,
    '', '', x'00', '', 'a', '', 'b\\\\s', '1000-01-01', '-838:59:59', '00:00:00.1', '-00:00:00.001', '-00:00:00.000001',
    '1000-01-01 00:00:00', '0000-00-00 00:00:00.0', '0000-00-00 00:00:00', '2000-02-29 23:59:59.9999', '1969-12-31 23:59:59.999999',
    '0000-00-00 00:00:00', '0000-00-00 00:00:00.0', '0000-00-00 00:00:00.000', '1970-01-01 00:00:01.000000', 1901)`,
  `INSERT INTO ${DB}.${t} (id) VALUES (3)`,
  // Non-strict mode stores ENUM index 0 (''), the zero YEAR and zero dates.
  `SET SESSION sql_mode = ''; INSERT INTO ${DB}.${t} (id, dt, dtm, y, e, s, tm, tm6) VALUES
    (4, '0000-00-00', '0000-00-00 00:00:00', 0, 0, 0, '00:00:00', '-00:00:00.5'); SET SESSION sql_mode = DEFAULT`,
  // Two-digit years, which enable.time.adjuster moves to 1970-2069.
  `INSERT INTO ${DB}.${t} (id, e2, dt, dtm, dtm3, dtm6) VALUES (5, 'it''s', '0050-06-15', '0005-01-01 12:00:00', '0099-12-31 23:59:59.999', '0070-01-01 00:00:00.5')`,
  `UPDATE ${DB}.${t} SET vc = 'updated', bin = x'ff', dec65 = -0.5, tm6 = '-00:00:00.25', pt = ST_GeomFromText('POINT(3 4)') WHERE id = 1`,
  `DELETE FROM ${DB}.${t} WHERE id = 2`,
];

export const defaultsRows = (t: string) => [
  `INSERT INTO ${DB}.${t} (vcnone, en, dtnd, dtmnd, pt) VALUES ('x', 'a', '2001-01-01', '2001-01-01 00:00:00', ST_GeomFromText('POINT(0 0)'))`,
  `INSERT INTO ${DB}.${t} (vcnone, en, dtnd, dtmnd, pt, dt, dtm, ts, y, dtzn, vcn) VALUES ('x', 'a', '0000-00-00', '0000-00-00 00:00:00',
    ST_GeomFromText('POINT(0 0)'), '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', 0, '0000-00-00', NULL)`,
];

