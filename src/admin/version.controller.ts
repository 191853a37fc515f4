import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, UseGuards } from '@nestjs/common';
import { projectRoot } from '../project-root.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';

const VERSION = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** GitLab's `GET /version` (signed in): clients read it to pick API behaviour (python-gitlab's `gl.version()`). */
@Controller('api/v4/version')
@UseGuards(PersonAuthGuard)
export class VersionController {
  @Get()
  version() {
    return { version: VERSION, revision: 'roster', enterprise: false };
  }
}
