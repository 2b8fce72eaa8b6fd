import { describe, expect, it } from 'vitest';
import { appSettings, mirrorVariables } from './app-settings.js';

describe('appSettings', () => {
  it('listens on 0.0.0.0:80 unless SPIN_HTTP_LISTEN_ADDR says otherwise', () => {
    expect(appSettings([]).listen).toEqual({ host: '0.0.0.0', port: 80 });
    expect(appSettings(['SPIN_HTTP_LISTEN_ADDR=[::]:8080']).listen).toEqual({ host: '::', port: 8080 });
  });

  it('reads the components to retain and the instance memory limit', () => {
    const settings = appSettings(['SPIN_COMPONENTS_TO_RETAIN=a, b,,c', 'SPIN_MAX_INSTANCE_MEMORY=1048576']);
    expect(settings.componentIds).toEqual(['a', 'b', 'c']);
    expect(settings.maxInstanceMemory).toBe(1048576);
  });

  it('says which variable is wrong', () => {
    expect(() => appSettings(['SPIN_HTTP_LISTEN_ADDR=80'])).toThrow(
      'SPIN_HTTP_LISTEN_ADDR="80" must be host:port',
    );
    expect(() => appSettings(['SPIN_MAX_INSTANCE_MEMORY=lots'])).toThrow(
      'SPIN_MAX_INSTANCE_MEMORY="lots" must be a positive number of bytes',
    );
  });
});

describe('mirrorVariables', () => {
  it('copies a plain upper-case name to SPIN_VARIABLE_ for declared variables only', () => {
    expect(mirrorVariables({ GREETING: 'hi', OTHER: 'x' }, ['greeting'])).toEqual({
      GREETING: 'hi',
      OTHER: 'x',
      SPIN_VARIABLE_GREETING: 'hi',
    });
  });

  it('keeps an explicit SPIN_VARIABLE_ value', () => {
    expect(
      mirrorVariables({ GREETING: 'a', SPIN_VARIABLE_GREETING: 'b' }, ['greeting'])['SPIN_VARIABLE_GREETING'],
    ).toBe('b');
  });
});
