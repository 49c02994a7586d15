import type { Command } from '../command';
import { attributesCommand } from './attributes';
import { detectCommand } from './detect';
import { embedCommand } from './embed';
import { matchCommand } from './match';
import { classifyCommand } from './classify';
import { evaluateCommand } from './evaluate';
import { exportCommand } from './export';
import { paperCommand } from './paper';
import { summaryCommand } from './summary';
import { trainCommand } from './train';

/** Every `mobilenet-kit` command, in the order the help lists them. A new command is one file and one line here. */
export const COMMANDS: readonly Command[] = [summaryCommand, paperCommand, detectCommand, trainCommand, evaluateCommand, classifyCommand, embedCommand, matchCommand, attributesCommand, exportCommand];
